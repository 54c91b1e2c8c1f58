#include "classify/remote_model.h"

namespace spamphibian::classify {

bool CircuitBreaker::Allow() {
  std::lock_guard<std::mutex> lock(mu_);
  return failures_ < failures_to_open_ || std::chrono::steady_clock::now() >= open_until_;
}

void CircuitBreaker::Success() {
  std::lock_guard<std::mutex> lock(mu_);
  failures_ = 0;
}

void CircuitBreaker::Failure() {
  std::lock_guard<std::mutex> lock(mu_);
  if (++failures_ >= failures_to_open_) open_until_ = std::chrono::steady_clock::now() + cooldown_;
}

bool CircuitBreaker::open() const {
  std::lock_guard<std::mutex> lock(mu_);
  return failures_ >= failures_to_open_ && std::chrono::steady_clock::now() < open_until_;
}

Status RemoteModel::Predict(const std::string& event_type, const nlohmann::json& item, double* score) {
  if (!breaker_.Allow()) return Status::Unavailable("model service: circuit open after repeated failures");
  http::ClientRequest req;
  req.method = "POST";
  req.url = options_.url + "/predict_" + event_type;
  req.body = item.dump();
  req.headers = {{"Content-Type", "application/json"}};
  req.timeout = options_.timeout;
  std::string error;
  for (int attempt = 0; attempt < options_.max_attempts; ++attempt) {
    http::ClientResponse res;
    Status s = http_.Send(req, &res);
    if (!s.ok()) {
      error = s.message();
      continue;
    }
    if (res.status != 200) {
      error = "answered " + std::to_string(res.status);
      if (res.status < 500) break;  // our request is wrong: asking again will not help
      continue;
    }
    const nlohmann::json j = nlohmann::json::parse(res.body, nullptr, false);
    if (!j.is_object() || !j.contains("score") || !j["score"].is_number()) {
      error = "answer has no numeric score";
      break;
    }
    double value = j["score"].get<double>();
    // Upstream services give the probability of the predicted class; turn it
    // into the probability of spam.
    if (j.contains("prediction") && j["prediction"].is_number() && j["prediction"].get<int>() == 0 && value > 0.5) {
      value = 1 - value;
    }
    if (value < 0 || value > 1) {
      error = "score out of [0, 1]";
      break;
    }
    breaker_.Success();
    *score = value;
    return Status::Ok();
  }
  breaker_.Failure();
  return Status::Unavailable("model service " + req.url + ": " + error);
}

}  // namespace spamphibian::classify
