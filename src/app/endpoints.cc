#include "app/endpoints.h"

#include "security/constant_time.h"

namespace spamphibian {

void MetricsEndpoint::Handle(http::Request request, http::Respond respond) {
  if (!token_.empty()) {
    const std::string_view token = request.BearerToken();
    if (token.empty() || !ConstantTimeEquals(token, token_.reveal())) {
      http::Response r = http::JsonError(401, "METRICS_TOKEN is set: send Authorization: Bearer <METRICS_TOKEN>");
      r.headers.push_back({"WWW-Authenticate", "Bearer"});
      return respond(std::move(r));
    }
  }
  http::Response r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = registry_.Render();
  respond(std::move(r));
}

void HealthEndpoint::Handle(http::Request, http::Respond respond) {
  if (check_ && !check_()) return respond(http::JsonError(503, "redis unreachable"));
  http::Response r;
  r.body = R"({"status":"ok"})";
  respond(std::move(r));
}

}  // namespace spamphibian
