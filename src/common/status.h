// Status and Result<T>: cheap error values (leveldb style). OK carries no
// allocation. The code is one of the closed ErrorCode set (error_codes.h),
// kept typed from where the failure is detected to where it is answered;
// protocol::WireCode turns it into the wire string there.
#pragma once

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
  Result(T value) : value_(std::move(value)) {}          // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}  // NOLINT
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

}  // namespace kanjian
