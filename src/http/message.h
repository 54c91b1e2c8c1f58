// Request and Response as handlers see them: plain structs, so that a
// handler neither depends on Boost.Beast nor can hold on to a socket.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace spamphibian::http {

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string path;    // target without the query string
  std::string query;   // after '?', may be empty
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // The body was larger than the server's limit and was not read; `body` is
  // empty and the connection closes after the response. Handlers that take
  // a body answer 413.
  bool body_too_large = false;
  // Which of the server's worker threads (io_contexts) runs this request;
  // lets a handler use per-thread resources (a Redis connection) without
  // locks or thread hops.
  std::size_t worker = 0;
  // The client's IP address as the socket sees it (a proxy's, behind one).
  std::string remote_address;

  // The first header of that name (case-insensitive), or "".
  std::string_view Header(std::string_view name) const;
  // The token of `Authorization: Bearer <token>`, or "" when there is none.
  std::string_view BearerToken() const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  // Extra headers, e.g. Link or Retry-After.
  std::vector<std::pair<std::string, std::string>> headers;
  // Close the connection without answering (fault injection in tests).
  bool abort = false;
};

// Sends the response. Must be called exactly once, from any thread.
using Respond = std::function<void(Response)>;

// {"error": message} with `status`.
Response JsonError(int status, std::string_view message);

class Handler {
 public:
  virtual ~Handler() = default;
  virtual void Handle(Request request, Respond respond) = 0;

  // Asked once the headers are read and before the body is: a response
  // here is sent at once, the body is never read, and the connection
  // closes. Lets /events refuse a request without its token before it
  // costs a megabyte of memory. `request.body` is empty.
  virtual std::optional<Response> CheckHeaders(const Request& request) {
    (void)request;
    return std::nullopt;
  }
};

}  // namespace spamphibian::http
