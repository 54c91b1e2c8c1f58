#include "app/endpoints.h"

namespace spamphibian {

void MetricsEndpoint::Handle(http::Request, http::Respond respond) {
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
