#include "app/evaluate_command.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>

#include "app/components.h"
#include "classify/evaluation.h"
#include "classify/examples.h"
#include "classify/spam_model.h"
#include "classify/verdict.h"
#include "trust/account_signals.h"

namespace spamphibian {
namespace {

std::string Row(const std::string& name, const classify::Metrics& m) {
  char buf[256];
  std::snprintf(buf, sizeof buf, "%-16s %5ld %5ld %6.3f  %5.3f %5.3f %4ld  %5.3f %5.3f %4ld  %6s %5.3f  %5.3f %5.3f\n",
                name.c_str(), m.examples, m.spam, m.roc_auc, m.precision, m.recall, m.false_positives,
                m.flagged_precision, m.flagged_recall, m.flagged_false_positives,
                m.threshold_for_target < 0 ? "-" : std::to_string(m.threshold_for_target).substr(0, 6).c_str(),
                m.recall_at_target, m.brier, m.calibration_error);
  return buf;
}

// A source of real text: what share of its ordinary texts a person would
// see flagged, and of its spam caught.
std::string SourceRow(const std::string& name, const classify::Metrics& m) {
  const auto pct = [](long n, long of) { return of > 0 ? 100.0 * static_cast<double>(n) / static_cast<double>(of) : 0.0; };
  char buf[256];
  std::snprintf(buf, sizeof buf, "  %-26s %6ld %5ld  %7.2f%%  %10.2f%%  %5.1f%%  %5.3f  %5.3f\n", name.c_str(), m.ham,
                m.spam, pct(m.false_positives, m.ham), pct(m.flagged_false_positives, m.ham), 100.0 * m.flagged_recall,
                m.roc_auc, m.calibration_error);
  return buf;
}

// The 95 % intervals of a group's AUC, and of its `spam` verdicts'
// precision and recall.
struct Intervals {
  classify::Interval auc, precision, recall;
};

Intervals IntervalsOf(const std::vector<classify::Scored>& scored, const classify::Metrics& m) {
  const long tp = std::lround(m.recall * static_cast<double>(m.spam));
  return {classify::RocAucInterval(scored), classify::WilsonInterval(tp, tp + m.false_positives),
          classify::WilsonInterval(tp, m.spam)};
}

nlohmann::json ToJson(const Intervals& i) {
  return {{"roc_auc", {i.auc.low, i.auc.high}},
          {"precision", {i.precision.low, i.precision.high}},
          {"recall", {i.recall.low, i.recall.high}}};
}

std::string IntervalRow(const std::string& name, const Intervals& i) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "%-16s  %5.3f-%5.3f  %5.3f-%5.3f  %5.3f-%5.3f\n", name.c_str(), i.auc.low, i.auc.high,
                i.precision.low, i.precision.high, i.recall.low, i.recall.high);
  return buf;
}

}  // namespace

int RunEvaluate(const Config& config, const EvaluateOptions& o) {
  std::shared_ptr<const TrustPolicy> policy;
  if (Status s = LoadTrustPolicy(config, &policy); !s.ok()) {
    std::cerr << "spamphibian evaluate: " << s.message() << "\n";
    return 2;
  }
  std::shared_ptr<const classify::SpamModel> model;
  std::string version = "file";
  if (!o.model.empty()) {
    if (Status s = classify::SpamModel::Load(o.model, &model); !s.ok()) {
      std::cerr << "spamphibian evaluate: " << s.message() << "\n";
      return 2;
    }
  } else {
    classify::ModelHolder holder;
    std::string path, source;
    if (Status s = LoadConfiguredModel(config, &holder, &path, &version, &source); !s.ok()) {
      std::cerr << "spamphibian evaluate: " << s.message() << "\n";
      return 2;
    }
    model = holder.Get();
  }
  // Signals as the trust stage computes them, at the time the item was made.
  const classify::AccountSignalsFn signals = [&](const gitlab::Item& item) {
    return AccountSignals(item.author, ItemTime(item, std::chrono::system_clock::now()), *policy);
  };
  std::vector<classify::Example> examples;
  if (Status s = classify::ReadExamples(o.data, signals, &examples, o.text_as); !s.ok()) {
    std::cerr << "spamphibian evaluate: " << s.message() << "\n";
    return 2;
  }

  std::ofstream scores_out;
  if (!o.scores_out.empty()) {
    scores_out.open(o.scores_out);
    if (!scores_out) {
      std::cerr << "spamphibian evaluate: --scores: cannot write '" << o.scores_out << "'\n";
      return 2;
    }
  }
  std::vector<classify::Scored> all;
  std::map<std::string, std::vector<classify::Scored>> by_type, by_difficulty, by_family, by_language, by_source;
  for (const auto& e : examples) {
    // The thresholds the classify stage would use for this type.
    ThresholdPair t{config.classify.spam_threshold, config.classify.suspicious_threshold};
    if (auto it = config.classify.thresholds_by_type.find(e.type); it != config.classify.thresholds_by_type.end()) {
      t = it->second;
    } else if (auto shipped = model->ThresholdsFor(e.type)) {
      t = {shipped->spam, shipped->suspicious};
    }
    // Words alone are at most suspicious (classify/verdict.h), as served.
    const bool evidence = classify::HasEvidence(e.rendering);
    const classify::Scored s{model->Predict(e.rendering, 0).probability, e.spam,
                             classify::SpamThresholdFor(t.spam, evidence), t.suspicious};
    all.push_back(s);
    by_type[e.type].push_back(s);
    // The language as the rendering tells it (language.h), not as the data
    // file says: what a moderator would see.
    const std::string language = e.rendering.language.empty() ? "unknown" : std::string(e.rendering.language);
    by_language[language].push_back(s);
    if (scores_out.is_open()) {
      scores_out << nlohmann::json{{"type", e.type},
                                   {"label", e.spam ? "spam" : "ham"},
                                   {"score", s.score},
                                   {"verdict", classify::VerdictOf(s.score, t.spam, t.suspicious, evidence)},
                                   {"spam_threshold", t.spam},
                                   {"suspicious_threshold", t.suspicious},
                                   {"evidence", evidence},
                                   {"source", e.source},
                                   {"difficulty", e.difficulty},
                                   {"family", e.family},
                                   {"language", language}}
                        .dump()
                 << "\n";
    }
    if (!e.source.empty()) by_source[e.source].push_back(s);
    if (!e.difficulty.empty()) by_difficulty[e.difficulty].push_back(s);
    if (!e.family.empty()) by_family[(e.spam ? "spam/" : "ham/") + e.family].push_back(s);
  }
  // Each group's metrics and intervals, computed once for both outputs;
  // `section` is where the JSON output puts it ("" for the overall one).
  struct Group {
    std::string section, name;
    classify::Metrics metrics;
    Intervals intervals;
  };
  std::vector<Group> rows;
  const auto add = [&](const char* section, const std::string& name, const std::vector<classify::Scored>& scored) {
    const classify::Metrics m = classify::Evaluate(scored, o.target_precision);
    rows.push_back(Group{section, name, m, IntervalsOf(scored, m)});
  };
  add("", "all", all);
  for (const auto& [type, scored] : by_type) add("by_type", type, scored);
  for (const auto& [d, scored] : by_difficulty) add("by_difficulty", d, scored);
  for (const auto& [language, scored] : by_language) add("by_language", language, scored);
  for (const auto& [source, scored] : by_source) add("by_source", source, scored);
  nlohmann::json out = {{"data", o.data}, {"model", o.model.empty() ? version : o.model},
                        {"target_precision", o.target_precision}, {"by_type", nlohmann::json::object()},
                        {"by_difficulty", nlohmann::json::object()}, {"by_language", nlohmann::json::object()},
                        {"by_source", nlohmann::json::object()}};
  for (const Group& g : rows) {
    nlohmann::json& slot = g.section.empty() ? out["overall"] : out[g.section][g.name];
    slot = g.metrics.ToJson();
    slot["intervals_95"] = ToJson(g.intervals);
  }
  out["by_family"] = nlohmann::json::object();
  for (const auto& [key, scored] : by_family) out["by_family"][key] = classify::Evaluate(scored, o.target_precision).ToJson();
  if (o.json) {
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::cout << "model " << out["model"].get<std::string>() << ", data " << o.data << "\n"
            << "                     n  spam    AUC  | spam verdicts   | spam|suspicious | for precision "
            << o.target_precision << " | calibration\n"
            << "                                     prec   rec   FP   prec   rec   FP   thresh recall  Brier   ECE\n";
  // Language rows by name ("language id"): a code alone reads like an item type.
  const auto label = [](const Group& g) { return g.section == "by_language" ? "language " + g.name : g.name; };
  for (const Group& g : rows) {
    if (g.section != "by_source") std::cout << Row(label(g), g.metrics);
  }
  if (!by_source.empty()) {
    std::cout << "by source (ordinary texts flagged, spam caught as spam|suspicious)\n"
              << "                                ham  spam  ham>spam  ham>flagged  caught    AUC    ECE\n";
    for (const Group& g : rows) {
      if (g.section == "by_source") std::cout << SourceRow(g.name, g.metrics);
    }
  }
  std::cout << "how sure (95 % intervals: AUC by 1,000 stratified bootstrap draws; spam verdicts' precision and recall by Wilson)\n"
            << "                  AUC          precision    recall\n";
  for (const Group& g : rows) {
    if (g.section != "by_source") std::cout << IntervalRow(label(g), g.intervals);
  }
  if (!by_family.empty()) {
    std::cout << "by family (spam: recall of spam verdicts; ham: false positives)\n";
    for (const auto& [family, scored] : by_family) {
      const classify::Metrics m = classify::Evaluate(scored, o.target_precision);
      char buf[160];
      if (family.starts_with("spam/")) {
        std::snprintf(buf, sizeof buf, "  %-40s n %3ld  recall %5.3f\n", family.c_str(), m.examples, m.recall);
      } else {
        std::snprintf(buf, sizeof buf, "  %-40s n %3ld  FP %3ld\n", family.c_str(), m.examples, m.false_positives);
      }
      std::cout << buf;
    }
  }
  return 0;
}

}  // namespace spamphibian
