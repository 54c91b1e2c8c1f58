#include "jobs/retrain_job.h"

#include <nlohmann/json.hpp>

#include "base/subprocess.h"
#include "stages/pipeline.h"

namespace spamphibian {
namespace {

constexpr const char* kBy = "retrain-job";

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string Text(const redis::Reply& reply) {
  return reply && reply->type == REDIS_REPLY_STRING ? std::string(redis::ReplyText(reply.get())) : "";
}

}  // namespace

RunCommand SpamphibianCommand() {
  return [](const std::vector<std::string>& args, int* exit_code, std::string* output) {
    std::vector<std::string> argv = {SpamphibianBinary()};
    argv.insert(argv.end(), args.begin(), args.end());
    ProcessResult r;
    if (Status s = RunProcess(argv, std::chrono::hours(2), 1 << 20, &r); !s.ok()) return s;
    *exit_code = r.exited ? r.exit_code : -1;
    *output = std::move(r.output);
    if (r.timed_out) return Status::Internal("'spamphibian " + args[0] + " " + args[1] + "' ran past two hours");
    return Status::Ok();
  };
}

Status RetrainJob::Run() {
  bool busy = false;
  if (Status s = PromoteIfDue(&busy); !s.ok() || busy) return s;
  return RetrainIfDue();
}

Status RetrainJob::PromoteIfDue(bool* busy) {
  redis::Reply version, since;
  if (Status s = client_.Run({"GET", Key("shadow_version")}, &version); !s.ok()) return s;
  if (Status s = client_.Run({"GET", Key("shadow_since_ms")}, &since); !s.ok()) return s;
  const std::string v = Text(version);
  *busy = !v.empty();
  if (v.empty()) return Status::Ok();
  const auto shadowed_ms = NowMs() - std::atoll(Text(since).c_str());
  if (shadowed_ms < std::chrono::duration_cast<std::chrono::milliseconds>(options_.shadow_for).count()) {
    return Status::Ok();  // still comparing
  }
  // Its time is up either way: the next retrain may come.
  const auto clear = [&] { return client_.Run({"DEL", Key("shadow_version"), Key("shadow_since_ms")}); };
  if (!options_.auto_promote) return clear();  // it stays shadowed for a person to promote
  int code = 0;
  std::string output;
  if (Status s = run_({"model", "promote", v, "--if-shadowed", "--by", kBy}, &code, &output); !s.ok()) return s;
  if (code == 1) return Status::Unavailable("model promote " + v + ": " + LastLine(output));  // tried again next run
  (void)clear();
  // 2: no longer shadowed (a person stopped, retired or promoted it).
  return code == 0 || code == 2 ? Status::Ok() : Status::Internal("model promote " + v + ": " + LastLine(output));
}

Status RetrainJob::RetrainIfDue() {
  redis::Reply last_ms_reply, last_label_reply;
  if (Status s = client_.Run({"GET", Key("last_ms")}, &last_ms_reply); !s.ok()) return s;
  if (Status s = client_.Run({"GET", Key("last_label")}, &last_label_reply); !s.ok()) return s;
  const std::int64_t now = NowMs();
  const std::string last_label = Text(last_label_reply);
  const std::string labels = options_.prefix + std::string(kLabelsStream);
  redis::Reply fresh;
  if (Status s = client_.Run({"XRANGE", labels, last_label.empty() ? "-" : "(" + last_label, "+", "COUNT",
                              std::to_string(options_.min_new_labels)},
                             &fresh);
      !s.ok()) {
    return s;
  }
  const bool enough_labels = fresh->type == REDIS_REPLY_ARRAY &&
                             static_cast<long long>(fresh->elements) >= options_.min_new_labels;
  const std::string last_ms_text = Text(last_ms_reply);
  if (last_ms_text.empty() && !enough_labels) {
    // A new installation: the clock starts now, not with a retrain on
    // nothing new.
    return client_.Run({"SET", Key("last_ms"), std::to_string(now)});
  }
  const bool interval_passed =
      now - std::atoll(last_ms_text.c_str()) >=
      std::chrono::duration_cast<std::chrono::milliseconds>(options_.interval).count();
  if (!interval_passed && !enough_labels) return Status::Ok();

  // The newest label now: the next count starts after it.
  redis::Reply newest;
  if (Status s = client_.Run({"XREVRANGE", labels, "+", "-", "COUNT", "1"}, &newest); !s.ok()) return s;
  std::string newest_id = last_label;
  if (newest->type == REDIS_REPLY_ARRAY && newest->elements == 1 && newest->element[0]->type == REDIS_REPLY_ARRAY) {
    newest_id = std::string(redis::ReplyText(newest->element[0]->element[0]));
  }
  int code = 0;
  std::string output;
  Status s = run_({"model", "retrain", "--shadow", "--by", kBy}, &code, &output);
  // Tried: the clock restarts even on failure, so a broken retrain is not
  // repeated every minute.
  (void)client_.Run({"MSET", Key("last_ms"), std::to_string(now), Key("last_label"), newest_id});
  if (!s.ok()) return s;
  if (code != 0) return Status::Internal("model retrain: " + LastLine(output));
  const nlohmann::json card = nlohmann::json::parse(LastLine(output), nullptr, false);
  if (!card.is_object()) return Status::Internal("model retrain: no card on its last line");
  if (card.value("state", "") == "shadow") {
    return client_.Run({"MSET", Key("shadow_version"), card.value("version", ""), Key("shadow_since_ms"),
                        std::to_string(NowMs())});
  }
  return Status::Ok();
}

}  // namespace spamphibian
