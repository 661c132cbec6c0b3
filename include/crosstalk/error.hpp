// Errors as values: every module boundary returns Result<T>; the CLI prints
// the one-line message and maps the kind to the exit code (SPEC: 1 / 2).
#pragma once

#include <string>
#include <utility>
#include <version>

#if defined(__cpp_lib_expected)
#include <expected>
#else
// Only the fuzz build (clang 14 with libstdc++ 12) comes here: libstdc++'s
// <expected> needs C++20 conditionally trivial special members, which clang
// 14-16 lack, so it declares nothing. tl::expected (Debian libexpected-dev)
// stands in under the standard names; GCC builds always use std::expected.
// Only what std::expected and tl::expected share is used in the code (no
// unexpected::error(), no monadic operations).
#include <tl/expected.hpp>
namespace std {
using tl::bad_expected_access;
using tl::expected;
using tl::unexpect;
using tl::unexpect_t;
using tl::unexpected;
}  // namespace std
#endif

namespace crosstalk {

enum class ErrorKind {
  BadInput,  // the user can fix it: exit 2
  Failed,    // I/O, device or codec failure: exit 1
};

struct Error {
  ErrorKind kind = ErrorKind::Failed;
  std::string message;  // one line: what, where, what to do
};

template <class T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> bad_input(std::string message) {
  return std::unexpected(Error{ErrorKind::BadInput, std::move(message)});
}

inline std::unexpected<Error> failure(std::string message) {
  return std::unexpected(Error{ErrorKind::Failed, std::move(message)});
}

inline int exit_code(const Error& e) { return e.kind == ErrorKind::BadInput ? 2 : 1; }

}  // namespace crosstalk
