// A blocking HTTP client for tests (libcurl), one connection per call.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace spamphibian::testing {

struct HttpResult {
  long status = 0;  // 0: no response (connection refused, reset, timeout)
  std::string body;
};

using Headers = std::vector<std::pair<std::string, std::string>>;

HttpResult HttpPost(const std::string& url, const std::string& body, const Headers& headers = {});
HttpResult HttpGet(const std::string& url);
HttpResult HttpDelete(const std::string& url);

}  // namespace spamphibian::testing
