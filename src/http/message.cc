#include "http/message.h"

#include <nlohmann/json.hpp>

#include <strings.h>

namespace spamphibian::http {

std::string_view Request::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() && strncasecmp(key.data(), name.data(), name.size()) == 0) return value;
  }
  return {};
}

Response JsonError(int status, std::string_view message) {
  Response r;
  r.status = status;
  r.body = nlohmann::json{{"error", message}}.dump();
  return r;
}

}  // namespace spamphibian::http
