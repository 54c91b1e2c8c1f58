#include "stages/trust_stage.h"

#include <ctime>

#include "decisions/decision.h"
#include "gitlab/item.h"
#include "log/json_log.h"
#include "stages/records.h"

namespace spamphibian {

TrustStage::TrustStage(TrustStageOptions options, const TrustPolicyHolder& policies, VerifiedSet verified,
                       spdlog::logger& log, Clock clock)
    : options_(std::move(options)), policies_(policies), verified_(std::move(verified)), log_(log),
      clock_(std::move(clock)) {}

Outcome TrustStage::Process(const Entry& entry) {
  // The author is all trust reads; the item goes on as the entry's text.
  records::Item in;
  if (Status s = records::Decode(entry, &in); !s.ok()) return Outcome::DeadLetter(s.message());
  gitlab::Item item;
  if (Status s = gitlab::ParseItem(in.item, gitlab::ItemParts::kWithoutRefsAndRaw, &item); !s.ok()) {
    return Outcome::DeadLetter(s.message());
  }
  const std::shared_ptr<const TrustPolicy> policy = policies_.Get();

  Status redis_status = Status::Ok();
  const std::string reason = policy->TrustReason(item.author, [&](const std::string& email) {
    bool member = false;
    redis_status = verified_ ? verified_(email, &member) : Status::Ok();
    return member;
  });
  if (!redis_status.ok()) return Outcome::Retry(redis_status.message());

  if (!reason.empty()) {
    Decision d;
    d.decision_id = "trust-" + entry.id;
    d.event_type = item.event_type;
    d.item_type = item.type;
    d.item_id = item.id;
    d.verdict = "trusted";
    d.reasons = {reason};
    d.time = NowRfc3339();
    d.extra["author"] = item.author.username;
    Outcome done = Outcome::Done();
    RecordDecision(log_, options_.decisions, d, &done.emits);
    return done;
  }

  const nlohmann::json signals = AccountSignals(item.author, clock_(), *policy);
  // At debug only: the decision's line (classify) carries the signals.
  if (log_.should_log(spdlog::level::debug)) {
    LogJson(log_, spdlog::level::debug, "untrusted",
            {{"item_type", item.type}, {"item_id", item.id}, {"author", item.author.username}, {"signals", signals}});
  }
  const std::string signals_text = signals.dump();
  records::Item out = in;
  out.signals = signals_text;
  return Outcome::Done({Emit{options_.candidates_stream, records::Encode(out)}});
}

}  // namespace spamphibian
