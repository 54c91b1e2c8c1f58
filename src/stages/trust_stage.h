// TrustStage: items -> candidates, or a `trusted` decision.
//
// Items by trusted authors (TrustPolicy) leave the pipeline as a decision
// with the reason. Everything else goes on to classification with the trust
// signals the model uses: account age, e-mail confirmed, disposable e-mail
// domain, where the e-mail came from.
#pragma once

#include <spdlog/logger.h>

#include <chrono>
#include <functional>
#include <string>

#include "decisions/decision.h"
#include "stages/stage.h"
#include "trust/account_signals.h"
#include "trust/trust_policy.h"

namespace spamphibian {

struct TrustStageOptions {
  std::string candidates_stream;  // full key
  DecisionLog decisions;
};

class TrustStage : public Stage {
 public:
  // Asks the verified-users set in Redis; Unavailable when Redis fails.
  using VerifiedSet = std::function<Status(const std::string& email, bool* member)>;
  // Now, for account ages; injected for tests.
  using Clock = std::function<std::chrono::system_clock::time_point()>;

  // `policies` and `log` must outlive the stage.
  TrustStage(TrustStageOptions options, const TrustPolicyHolder& policies, VerifiedSet verified,
             spdlog::logger& log, Clock clock = std::chrono::system_clock::now);

  std::string_view name() const override { return "trust"; }
  Outcome Process(const Entry& entry) override;

 private:
  TrustStageOptions options_;
  const TrustPolicyHolder& policies_;
  VerifiedSet verified_;
  spdlog::logger& log_;
  Clock clock_;
};

}  // namespace spamphibian
