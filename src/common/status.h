// Status and Result<T>: cheap error values (leveldb style). OK carries no
// allocation. The code is one of the public error codes in error_codes.h, so
// a failure keeps its wire name from where it is detected to the envelope.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace kanjian {

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(std::string_view code, std::string_view message)
      : rep_(std::make_shared<Rep>(Rep{std::string(code), std::string(message)})) {}

  static Status Ok() { return Status(); }

  bool ok() const { return rep_ == nullptr; }
  // The public error code, e.g. "FailedOperation.ImageDecodeFailed"; "" if OK.
  const std::string& code() const { return ok() ? Empty() : rep_->code; }
  // Client-facing message; "" if OK.
  const std::string& message() const { return ok() ? Empty() : rep_->message; }
  std::string ToString() const { return ok() ? "OK" : code() + ": " + message(); }

 private:
  struct Rep {
    std::string code;
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
