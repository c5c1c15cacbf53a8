// Status and Result<T>: cheap error values (leveldb style). OK carries no
// allocation. The code is one of the closed ErrorCode set (error_codes.h),
// kept typed from where the failure is detected to where it is answered;
// protocol::WireCode turns it into the wire string there.
#pragma once

#include <cassert>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "common/error_codes.h"

namespace kanjian {

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  // REQUIRES: code != ErrorCode::kOk (a success is Status() or Ok()).
  Status(ErrorCode code, std::string_view message)
      : rep_(std::make_shared<Rep>(Rep{code, std::string(message)})) {}

  static Status Ok() { return Status(); }
  // Named constructors, one per code: Status::UrlIllegal("host not allowed").
#define KANJIAN_ERROR(name)                      \
  static Status name(std::string_view message) { \
    return Status(ErrorCode::k##name, message);  \
  }
#include "common/error_codes.def"
#undef KANJIAN_ERROR

  bool ok() const {
    return rep_ == nullptr;
  }
  // ErrorCode::kOk if OK.
  ErrorCode code() const {
    return ok() ? ErrorCode::kOk : rep_->code;
  }
  // Client-facing message; "" if OK.
  const std::string& message() const {
    return ok() ? Empty() : rep_->message;
  }
  // For logs and tests: "ImageDecodeFailed: message" (the code's C++ name).
  std::string ToString() const {
    return ok() ? "OK" : std::string(ErrorCodeName(code())) + ": " + message();
  }

 private:
  struct Rep {
    ErrorCode code;
    std::string message;
  };
  static const std::string& Empty() {
    static const std::string kEmpty;
    return kEmpty;
  }
  std::shared_ptr<const Rep> rep_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  // An error. REQUIRES: !status.ok(): a Result holds either a value or an
  // error. An OK status here is a bug in the caller; rather than a Result
  // that is ok() and holds nothing, it becomes an InternalError that says
  // so (as absl::StatusOr does), and a debug build stops at the assert.
  Result(Status status) : status_(std::move(status)) {  // NOLINT
    assert(!status_.ok() && "a Result is built from a value or an error, never an OK Status");
    if (status_.ok()) status_ = Status(ErrorCode::kInternalError, kOkStatusWithoutValue);
  }
  static constexpr std::string_view kOkStatusWithoutValue =
      "a Result was built from an OK Status, without a value";
  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() { return *value_; }
  const T& operator*() const { return *value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

namespace status_internal {
inline Status StatusOf(Status status) {
  return status;
}
template <typename T>
Status StatusOf(const Result<T>& result) {
  return result.status();
}
}  // namespace status_internal

}  // namespace kanjian

// Error propagation, as in Abseil and userver.
//
// RETURN_IF_ERROR(expr): evaluates expr, a Status or a Result<T> (whose
// value is dropped), and returns its error from the enclosing function
// (which returns Status or any Result<U>) when it is not OK.
//   RETURN_IF_ERROR(txn.InsertPack(pack));
#define RETURN_IF_ERROR(...)                                                                   \
  do {                                                                                         \
    if (::kanjian::Status kanjian_status_ = ::kanjian::status_internal::StatusOf(__VA_ARGS__); \
        !kanjian_status_.ok())                                                                 \
      return kanjian_status_;                                                                  \
  } while (false)

// ASSIGN_OR_RETURN(lhs, expr): evaluates expr, a Result<T>; on an error
// returns it from the enclosing function, else moves the value into lhs,
// a new variable (`auto pack`, `const Account& account`) or an existing one.
//   ASSIGN_OR_RETURN(auto account, txn.FindAccount(id));
// lhs must not hold an unbracketed comma (write `auto [a, b]` as a plain
// variable and unpack it after); expr may.
#define ASSIGN_OR_RETURN(lhs, ...)                                                        \
  KANJIAN_ASSIGN_OR_RETURN_IMPL(KANJIAN_STATUS_CONCAT(kanjian_result_, __COUNTER__), lhs, \
                                __VA_ARGS__)
#define KANJIAN_ASSIGN_OR_RETURN_IMPL(result, lhs, ...) \
  auto result = (__VA_ARGS__);                          \
  if (!result.ok()) return result.status();             \
  lhs = std::move(result).value()
#define KANJIAN_STATUS_CONCAT(a, b) KANJIAN_STATUS_CONCAT_INNER(a, b)
#define KANJIAN_STATUS_CONCAT_INNER(a, b) a##b
