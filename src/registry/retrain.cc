#include "registry/retrain.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "classify/verdict.h"
#include "classify/evaluation.h"
#include "decisions/decision.h"
#include "gitlab/api_fields.h"

namespace spamphibian::registry {
namespace {

constexpr const char* kLabelsPrefix = "labels/";

// One usable label: where its line is in the spool file, and what decides
// which label of an item wins.
struct LabelRef {
  std::string time;
  std::string item;  // "<type>:<id>"
  std::size_t order = 0;
  std::streamoff offset = 0;
  std::size_t length = 0;
  bool spam = false;
  bool bootstrap = false;  // written by `model bootstrap`, not by a person
};

struct LabelCounts {
  long objects = 0, usable = 0, skipped = 0, relabelled = 0, before_since = 0;
};

// A label as training reads it, or "" when it is not one.
std::string TrainingLine(const std::string& text, LabelRef* ref) {
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return "";
  // Read without throwing: a label object is input (a wrong type is no label).
  const std::string label = gitlab::Str(j, "label");
  if (label != "spam" && label != "ham") return "";
  const auto item = j.find("item");
  if (item == j.end() || !item->is_object() || !item->contains("type") || !(*item)["type"].is_string() ||
      !item->contains("author") || !(*item)["author"].is_object()) {
    return "";
  }
  ref->spam = label == "spam";
  ref->bootstrap = gitlab::Str(j, "source") == "bootstrap";
  ref->time = gitlab::Str(j, "time");
  ref->item = (*item)["type"].get<std::string>() + ":" + gitlab::Str(*item, "id");
  nlohmann::json line = {{"label", label}, {"item", *item}};
  if (j.contains("signals") && j["signals"].is_object()) line["signals"] = j["signals"];
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Downloads every label into `spool` (one line each) and indexes it.
Status SpoolLabels(storage::ObjectStore& store, const std::string& spool, std::vector<LabelRef>* refs,
                   LabelCounts* counts) {
  std::vector<storage::ObjectInfo> listed;
  if (Status s = store.List(kLabelsPrefix, &listed); !s.ok()) return s;
  std::ofstream out(spool, std::ios::binary);
  std::streamoff offset = 0;
  for (const auto& info : listed) {
    if (!info.key.ends_with(".json")) continue;
    std::string data;
    if (Status s = store.Get(info.key, &data); !s.ok()) {
      if (s.IsNotFound()) continue;  // removed since the listing
      return s;
    }
    ++counts->objects;
    LabelRef ref;
    const std::string line = TrainingLine(data, &ref);
    if (line.empty()) {
      ++counts->skipped;
      continue;
    }
    ref.order = refs->size();
    ref.offset = offset;
    ref.length = line.size();
    out << line << '\n';
    offset += static_cast<std::streamoff>(line.size() + 1);
    refs->push_back(std::move(ref));
  }
  return out ? Status::Ok() : Status::Internal("cannot write " + spool);
}

std::string ReadLine(std::ifstream& in, const LabelRef& ref) {
  std::string line(ref.length, '\0');
  in.seekg(ref.offset);
  in.read(line.data(), static_cast<std::streamsize>(ref.length));
  return line;
}

// The model's verdicts at its own shipped thresholds.
nlohmann::json Measure(const classify::SpamModel& model, const std::vector<classify::Example>& examples,
                       double target_precision) {
  std::vector<classify::Scored> all;
  std::map<std::string, std::vector<classify::Scored>> by_type;
  for (const auto& e : examples) {
    const classify::Thresholds t = model.ThresholdsFor(e.type).value_or(classify::Thresholds{0.8, 0.5});
    // As served: words alone are at most suspicious (classify/verdict.h).
    const classify::Scored s{model.Predict(e.rendering, 0).probability, e.spam,
                             classify::SpamThresholdFor(t.spam, classify::HasEvidence(e.rendering)), t.suspicious};
    all.push_back(s);
    by_type[e.type].push_back(s);
  }
  nlohmann::json out = classify::Evaluate(all, target_precision).ToJson();
  out["by_type"] = nlohmann::json::object();
  for (const auto& [type, scored] : by_type) out["by_type"][type] = classify::Evaluate(scored, target_precision).ToJson();
  return out;
}

nlohmann::json Compare(const classify::SpamModel& candidate, const classify::SpamModel* current,
                       const std::vector<classify::Example>& examples, double target_precision) {
  nlohmann::json out = {{"candidate", Measure(candidate, examples, target_precision)}};
  if (current != nullptr) out["current"] = Measure(*current, examples, target_precision);
  return out;
}

std::string Fixed(double v) {
  std::ostringstream s;
  s.precision(3);
  s << std::fixed << v;
  return s.str();
}

}  // namespace

Status Retrain(storage::ObjectStore& store, const RetrainOptions& o, RetrainResult* out) {
  std::error_code ec;
  std::filesystem::create_directories(o.work_dir, ec);
  if (ec) return Status::Internal("cannot create " + o.work_dir + ": " + ec.message());
  const std::string spool = o.work_dir + "/labels.spool";
  std::vector<LabelRef> refs;
  LabelCounts counts;
  if (Status s = SpoolLabels(store, spool, &refs, &counts); !s.ok()) return s;

  // The last label of each item wins: by time, then by the order S3 listed
  // them (answer ids grow with time).
  std::map<std::string, std::size_t> latest;
  for (std::size_t i = 0; i < refs.size(); ++i) {
    auto [it, inserted] = latest.emplace(refs[i].item, i);
    if (!inserted) {
      ++counts.relabelled;
      if (refs[i].time >= refs[it->second].time) it->second = i;
    }
  }
  std::vector<LabelRef> used;
  for (const auto& [item, i] : latest) {
    if (!o.since.empty() && refs[i].time < o.since) {
      ++counts.before_since;
      continue;
    }
    used.push_back(refs[i]);
  }
  std::sort(used.begin(), used.end(), [](const LabelRef& a, const LabelRef& b) {
    return a.time != b.time ? a.time < b.time : a.item < b.item;
  });
  counts.usable = static_cast<long>(used.size());
  // Too few labels to hold any out: train on them all; the evaluation set
  // still judges.
  const std::size_t heldout = used.size() >= 5 ? static_cast<std::size_t>(std::ceil(o.heldout_share * used.size())) : 0;

  const std::string data = o.work_dir + "/data.jsonl";
  const std::string heldout_file = o.work_dir + "/heldout-labels.jsonl";
  long base_lines = 0, labels_spam = 0, labels_bootstrap = 0;
  {
    std::ifstream base(o.base_data);
    if (!base) return Status::InvalidArgument("the training data '" + o.base_data + "' cannot be read");
    std::ofstream combined(data), held(heldout_file);
    for (std::string line; std::getline(base, line);) {
      if (line.empty()) continue;
      combined << line << '\n';
      ++base_lines;
    }
    std::ifstream in(spool, std::ios::binary);
    for (std::size_t i = 0; i < used.size(); ++i) {
      nlohmann::json line = nlohmann::json::parse(ReadLine(in, used[i]));
      const bool is_heldout = i >= used.size() - heldout;
      labels_spam += used[i].spam ? 1 : 0;
      labels_bootstrap += used[i].bootstrap ? 1 : 0;
      line["split"] = is_heldout ? "heldout" : "train";
      line["weight"] = used[i].bootstrap ? o.bootstrap_weight : o.label_weight;
      combined << line.dump() << '\n';
      if (is_heldout) held << line.dump() << '\n';
    }
    if (!combined || !held) return Status::Internal("cannot write " + data);
  }
  std::filesystem::remove(spool);

  classify::TrainOptions train = o.train;
  train.data = data;
  train.out = o.work_dir + "/candidate.spam";
  train.threads = 1;  // fastText is deterministic with one thread
  train.parallel = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  // Thresholds from the training data's held-out split (real text and
  // generated items), not the evaluation set: a set that chooses
  // thresholds cannot also judge them.
  train.thresholds_from = "";
  train.account_signals = o.account_signals;
  classify::TrainReport report;
  if (Status s = classify::Train(train, &report); !s.ok()) return s;
  std::filesystem::remove(data);

  std::shared_ptr<const classify::SpamModel> candidate;
  if (Status s = classify::SpamModel::Load(train.out, &candidate); !s.ok()) return s;
  nlohmann::json card = {
      {"kind", "retrained"},
      {"time", NowRfc3339()},
      {"current_version", o.current_version},
      {"seed", train.seed},
      {"target_precision", train.target_precision},
      {"data",
       {{"base_examples", base_lines},
        {"label_objects", counts.objects},
        {"labels", counts.usable},
        {"labels_spam", labels_spam},
        {"labels_ham", counts.usable - labels_spam},
        {"labels_train", counts.usable - static_cast<long>(heldout)},
        {"labels_heldout", static_cast<long>(heldout)},
        {"relabelled", counts.relabelled},
        {"skipped", counts.skipped},
        {"before_since", counts.before_since},
        {"since", o.since},
        {"label_weight", o.label_weight},
        {"labels_bootstrap", labels_bootstrap},
        {"bootstrap_weight", o.bootstrap_weight}}},
      {"training", report.ToJson()},
      {"thresholds", report.thresholds},
  };
  if (heldout > 0) {
    std::vector<classify::Example> examples;
    if (Status s = classify::ReadExamples(heldout_file, nullptr, &examples); !s.ok()) return s;
    card["heldout_labels"] = Compare(*candidate, o.current.get(), examples, train.target_precision);
  }
  std::filesystem::remove(heldout_file);
  if (!o.real_text_data.empty()) {
    std::vector<classify::Example> examples;
    if (Status s = classify::ReadExamples(o.real_text_data, nullptr, &examples); !s.ok()) return s;
    card["real_text"] = Compare(*candidate, o.current.get(), examples, train.target_precision);
    card["real_text"]["data"] = std::filesystem::path(o.real_text_data).filename().string();
  }
  if (!o.eval_data.empty()) {
    std::vector<classify::Example> examples;
    if (Status s = classify::ReadExamples(o.eval_data, o.account_signals, &examples); !s.ok()) return s;
    card["eval_set"] = Compare(*candidate, o.current.get(), examples, train.target_precision);
    card["eval_set"]["data"] = std::filesystem::path(o.eval_data).filename().string();
  }
  const Judgement j = Judge(card);
  card["judgement"] = {{"promotable", j.promotable}, {"reason", j.reason}};
  out->model_path = train.out;
  out->card = std::move(card);
  return Status::Ok();
}

std::string RealTextBeside(const std::string& base_data) {
  const std::filesystem::path p = std::filesystem::path(base_data).parent_path() / "real-text-heldout.jsonl";
  std::error_code ec;
  return std::filesystem::is_regular_file(p, ec) ? p.string() : "";
}

Judgement Judge(const nlohmann::json& card) {
  // Tolerances on the evaluation set: about one item of it, so that noise
  // of one item neither blocks a candidate nor passes a worse one.
  constexpr double kPrecisionSlack = 0.01, kRecallSlack = 0.02, kAucSlack = 0.01;
  const auto metric = [](const nlohmann::json& set, const char* who, const char* name) {
    return set.contains(who) ? set[who].value(name, 0.0) : 0.0;
  };
  const nlohmann::json held = card.value("heldout_labels", nlohmann::json::object());
  const nlohmann::json eval = card.value("eval_set", nlohmann::json::object());
  const nlohmann::json real = card.value("real_text", nlohmann::json::object());
  if (!held.contains("current") && !eval.contains("current") && !real.contains("current")) {
    return {true, "no current model to compare with"};
  }
  std::vector<std::string> better;
  if (real.contains("current")) {
    // Ordinary people first: a candidate that flags more of the real
    // ordinary texts than the current model is never promoted, whatever it
    // gains elsewhere. The slack is a tenth of a percent of them (the same
    // text can land either side of a threshold).
    const auto count = [&](const char* who, const char* name) { return real[who].value(name, 0L); };
    const long ham = count("candidate", "ham");
    const long slack = std::max(2L, ham / 1000);
    for (const char* name : {"false_positives", "flagged_false_positives"}) {
      const long c = count("candidate", name), o = count("current", name);
      if (c > o + slack) {
        return {false, std::string("flags more ordinary real texts (") + name + "): " + std::to_string(c) + " of " +
                           std::to_string(ham) + " against " + std::to_string(o)};
      }
      if (c + slack < o) better.push_back(std::string("ordinary real texts ") + name + " " + std::to_string(o) + " -> " + std::to_string(c));
    }
  }
  if (held.contains("current")) {
    const auto count = [&](const char* who, const char* name) { return held[who].value(name, 0L); };
    const long fp_c = count("candidate", "false_positives"), fp_o = count("current", "false_positives");
    // Flagged: spam or suspicious, what reaches a reviewer or Slack.
    const long ffp_c = count("candidate", "flagged_false_positives"), ffp_o = count("current", "flagged_false_positives");
    const long spam = count("candidate", "spam"), ham = count("candidate", "ham");
    const double rec_c = metric(held, "candidate", "recall"), rec_o = metric(held, "current", "recall");
    if (fp_c > fp_o || ffp_c > ffp_o) {
      const bool spam_fp = fp_c > fp_o;
      return {false, std::string("more ") + (spam_fp ? "" : "flagged ") + "false positives on the held-out labels: " +
                         std::to_string(spam_fp ? fp_c : ffp_c) + " against " + std::to_string(spam_fp ? fp_o : ffp_o)};
    }
    if (spam > 0 && rec_c < rec_o) {
      return {false, "lower recall on the held-out labels: " + Fixed(rec_c) + " against " + Fixed(rec_o)};
    }
    if (fp_c < fp_o) better.push_back("false positives on the held-out labels " + std::to_string(fp_o) + " -> " + std::to_string(fp_c));
    if (ffp_c < ffp_o) {
      better.push_back("flagged false positives on the held-out labels " + std::to_string(ffp_o) + " -> " + std::to_string(ffp_c));
    }
    if (spam > 0 && rec_c > rec_o) better.push_back("recall on the held-out labels " + Fixed(rec_o) + " -> " + Fixed(rec_c));
    const double auc_c = metric(held, "candidate", "roc_auc"), auc_o = metric(held, "current", "roc_auc");
    if (spam > 0 && ham > 0 && auc_c > auc_o) better.push_back("AUC on the held-out labels " + Fixed(auc_o) + " -> " + Fixed(auc_c));
  }
  if (eval.contains("current")) {
    const double p_c = metric(eval, "candidate", "precision"), p_o = metric(eval, "current", "precision");
    const double r_c = metric(eval, "candidate", "recall"), r_o = metric(eval, "current", "recall");
    const double a_c = metric(eval, "candidate", "roc_auc"), a_o = metric(eval, "current", "roc_auc");
    if (p_c < p_o - kPrecisionSlack) {
      return {false, "lower precision on the evaluation set: " + Fixed(p_c) + " against " + Fixed(p_o)};
    }
    if (r_c < r_o - kRecallSlack) return {false, "lower recall on the evaluation set: " + Fixed(r_c) + " against " + Fixed(r_o)};
    if (a_c < a_o - kAucSlack) return {false, "lower AUC on the evaluation set: " + Fixed(a_c) + " against " + Fixed(a_o)};
    if (a_c > a_o) better.push_back("AUC on the evaluation set " + Fixed(a_o) + " -> " + Fixed(a_c));
    if (r_c > r_o && p_c >= p_o) better.push_back("recall on the evaluation set " + Fixed(r_o) + " -> " + Fixed(r_c));
  }
  if (better.empty()) return {false, "not better than the current model on the held-out labels or the evaluation set"};
  std::string reason = "better: ";
  for (std::size_t i = 0; i < better.size(); ++i) reason += (i ? "; " : "") + better[i];
  return {true, reason};
}

}  // namespace spamphibian::registry
