// A blocking HTTP client for tests (libcurl), one connection per call.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace spamphibian::testing {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpResult {
  long status = 0;  // 0: no response (connection refused, reset, timeout)
  std::string body;
  Headers headers;  // the response's, names lower-cased
  // The first response header of that (lower-case) name, or "".
  std::string Header(const std::string& name) const;
};

HttpResult HttpPost(const std::string& url, const std::string& body, const Headers& headers = {});
HttpResult HttpGet(const std::string& url);
HttpResult HttpGet(const std::string& url, const Headers& headers);
HttpResult HttpDelete(const std::string& url);

// A raw TCP connection to 127.0.0.1:port from the loopback address
// `source` (127.0.0.2, ... are other clients to a server that counts
// connections per client address), reads timing out after 5 s; -1 on
// failure.
int ConnectFrom(const std::string& source, int port);

}  // namespace spamphibian::testing
