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

std::string_view Request::BearerToken() const {
  constexpr std::string_view kBearer = "Bearer ";
  const std::string_view auth = Header("Authorization");
  return auth.starts_with(kBearer) ? auth.substr(kBearer.size()) : std::string_view();
}

Response JsonError(int status, std::string_view message) {
  Response r;
  r.status = status;
  r.body = nlohmann::json{{"error", message}}.dump();
  return r;
}

}  // namespace spamphibian::http
