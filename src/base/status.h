// Status: the result of an operation that can fail in an expected way
// (Redis is down, the payload is not JSON, a file is unreadable).
//
// Expected failures are values the caller must look at; broken invariants
// are asserts. Modelled on leveldb::Status, kept to the codes we use.
#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace spamphibian {

class [[nodiscard]] Status {
 public:
  enum class Code {
    kOk,
    kInvalidArgument,  // the input is wrong; retrying will not help
    kNotFound,         // the thing asked for does not exist
    kUnavailable,      // a dependency is down; retrying later may help
    kInternal,         // a dependency answered something we did not expect
    kPermissionDenied, // credentials are missing or wrong (configuration)
  };

  Status() = default;
  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string msg) { return Status(Code::kInvalidArgument, std::move(msg)); }
  static Status NotFound(std::string msg) { return Status(Code::kNotFound, std::move(msg)); }
  static Status Unavailable(std::string msg) { return Status(Code::kUnavailable, std::move(msg)); }
  static Status Internal(std::string msg) { return Status(Code::kInternal, std::move(msg)); }
  static Status PermissionDenied(std::string msg) { return Status(Code::kPermissionDenied, std::move(msg)); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  bool IsUnavailable() const { return code_ == Code::kUnavailable; }
  bool IsInvalidArgument() const { return code_ == Code::kInvalidArgument; }
  bool IsNotFound() const { return code_ == Code::kNotFound; }
  bool IsPermissionDenied() const { return code_ == Code::kPermissionDenied; }

  std::string ToString() const;

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}

  Code code_ = Code::kOk;
  std::string message_;
};

inline std::string Status::ToString() const {
  switch (code_) {
    case Code::kOk: return "OK";
    case Code::kInvalidArgument: return "invalid argument: " + message_;
    case Code::kNotFound: return "not found: " + message_;
    case Code::kUnavailable: return "unavailable: " + message_;
    case Code::kInternal: return "internal: " + message_;
    case Code::kPermissionDenied: return "permission denied: " + message_;
  }
  return message_;
}

}  // namespace spamphibian
