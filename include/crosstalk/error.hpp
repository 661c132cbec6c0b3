// Errors as values: every module boundary returns Result<T>; the CLI prints
// the one-line message and maps the kind to the exit code (SPEC: 1 / 2).
#pragma once

#include <expected>
#include <string>
#include <utility>

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
