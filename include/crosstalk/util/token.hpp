// Secrets for private feeds: random tokens from the OS's secure generator and
// their SHA-256, through OpenSSL's libcrypto (nothing hand-rolled).
#pragma once

#include <string>
#include <string_view>

#include "crosstalk/error.hpp"

namespace crosstalk::util {

// `bytes` random bytes as lowercase hex (32 bytes → 64 characters, 256 bits).
Result<std::string> random_token(std::size_t bytes = 32);

// SHA-256 of `data` as lowercase hex.
std::string sha256_hex(std::string_view data);
// HMAC-SHA-256 of `data` under `key`, as lowercase hex.
std::string hmac_sha256_hex(std::string_view key, std::string_view data);

}  // namespace crosstalk::util
