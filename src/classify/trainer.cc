#include "classify/trainer.h"

#include <fasttext/args.h>
#include <fasttext/fasttext.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

#include "classify/spam_model.h"
#include "classify/verdict.h"
#include "security/crypto.h"
#include "storage/s3_object_store.h"

namespace spamphibian::classify {

nlohmann::json TrainReport::ToJson() const {
  nlohmann::json types = nlohmann::json::object();
  for (const auto& [type, m] : by_type) types[type] = m.ToJson();
  nlohmann::json sources = nlohmann::json::object();
  for (const auto& [source, m] : by_source) sources[source] = m.ToJson();
  return {{"train_examples", train_examples}, {"heldout_examples", heldout_examples},
          {"heldout", overall.ToJson()},      {"heldout_by_type", types},
          {"heldout_by_source", sources},
          {"thresholds", thresholds},         {"model_bytes", model_bytes}};
}

namespace {

// Where a held-out example comes from, for the report: a source of real
// text (its family "real/<source>"), the SpamAssassin mails, or the
// generator. Ordinary generated items are watched too: a model that learnt
// "generated = spam, real = ham" fails them.
std::string SourceOf(const Example& e) {
  if (e.family.starts_with("real/")) return e.family;
  if (e.type == "mail") return "spamassassin";
  return "generated";
}

fasttext::Args WordsArgs(const TrainOptions& o, const std::string& input, const std::string& output) {
  fasttext::Args args;
  args.input = input;
  args.output = output;
  args.model = fasttext::model_name::sup;
  args.loss = fasttext::loss_name::softmax;
  args.dim = o.dim;
  args.epoch = o.epoch;
  args.lr = o.lr;
  args.wordNgrams = o.word_ngrams;
  args.minCount = 1;
  args.minn = o.minn;
  args.maxn = o.maxn;
  args.bucket = o.word_ngrams > 1 || o.maxn > 0 ? o.buckets : 0;
  args.thread = o.threads;
  args.seed = o.seed;
  args.verbose = 0;
  return args;
}

// Trains a words model on `examples` and saves it to `path` (quantised
// when `quantize`).
Status TrainWords(const TrainOptions& o, const std::vector<const Example*>& examples, const std::string& path,
                  bool quantize) {
  const std::string input = path + ".train.txt";
  {
    std::ofstream train(input);
    for (const Example* e : examples) {
      // fastText has no example weights: a heavier example is repeated.
      const int copies = std::max(1, static_cast<int>(e->weight + 0.5));
      for (int k = 0; k < copies; ++k) train << "__label__" << (e->spam ? "spam" : "ham") << ' ' << e->rendering.text << '\n';
    }
  }
  fasttext::FastText ft;
  const fasttext::Args args = WordsArgs(o, input, path);
  try {
    ft.train(args);
    if (quantize) {
      fasttext::Args q = args;
      q.qnorm = true;
      q.retrain = false;
      q.cutoff = o.cutoff;
      q.dsub = 2;
      ft.quantize(q);
    }
    ft.saveModel(path);
  } catch (const std::exception& e) {
    std::filesystem::remove(input);
    return Status::Internal(std::string("training failed: ") + e.what());
  }
  std::filesystem::remove(input);
  return Status::Ok();
}

// Runs `tasks` on up to `parallel` threads; the first failure.
Status RunSideBySide(const std::vector<std::function<Status()>>& tasks, int parallel) {
  std::vector<Status> results(tasks.size());
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i = next++; i < tasks.size(); i = next++) results[i] = tasks[i]();
  };
  std::vector<std::thread> threads;
  const std::size_t n = std::min<std::size_t>(tasks.size(), static_cast<std::size_t>(std::max(1, parallel)));
  for (std::size_t t = 1; t < n; ++t) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
  for (const Status& s : results) {
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

// Scores at the model's own thresholds (0.5 and 0.3 before it has any),
// with the rule that words alone are at most suspicious (verdict.h).
std::vector<Scored> ScoreAll(const SpamModel& model, const std::vector<const Example*>& examples,
                             std::map<std::string, std::vector<Scored>>* by_type,
                             std::map<std::string, std::vector<Scored>>* by_source = nullptr) {
  std::vector<Scored> all;
  for (const Example* e : examples) {
    const Thresholds t = model.ThresholdsFor(e->type).value_or(Thresholds{});
    const Scored s{model.Predict(e->rendering, 0).probability, e->spam,
                   SpamThresholdFor(t.spam, HasEvidence(e->rendering)), t.suspicious};
    all.push_back(s);
    (*by_type)[e->type].push_back(s);
    if (by_source != nullptr) (*by_source)[SourceOf(*e)].push_back(s);
  }
  return all;
}

}  // namespace

double OrdinaryQuantile(const std::vector<Scored>& scored, double share) {
  std::vector<double> ham;
  for (const Scored& s : scored) {
    if (!s.spam) ham.push_back(s.score);
  }
  if (ham.empty()) return 0;
  std::sort(ham.begin(), ham.end(), std::greater<>());
  // At most floor(share * n) ordinary items may reach the threshold: it sits
  // just above the next one's score.
  const std::size_t allowed = static_cast<std::size_t>(share * static_cast<double>(ham.size()));
  if (allowed >= ham.size()) return 0;
  return std::nextafter(ham[allowed], 2.0);
}

namespace {

// Thresholds per type where there is enough to choose on, and overall:
// each the stricter of a precision (`target` for spam, 0.85 for
// suspicious) and a share of ordinary items flagged (kOrdinarySpamShare,
// kOrdinaryFlaggedShare). Precision alone depends on how much spam the
// split holds; the share of ordinary people flagged is what a person
// notices, whatever the share of spam.
std::map<std::string, Thresholds> ChooseThresholds(const std::map<std::string, std::vector<Scored>>& by_type,
                                                   double target) {
  auto choose = [&](const std::vector<Scored>& scored) {
    const Metrics strict = Evaluate(scored, target);
    const Metrics loose = Evaluate(scored, 0.85);
    const double spam_by_precision = strict.threshold_for_target < 0 ? 0.9 : strict.threshold_for_target;
    const double spam = std::clamp(std::max(spam_by_precision, OrdinaryQuantile(scored, kOrdinarySpamShare)), 0.5, 0.99);
    const double suspicious_by_precision = loose.threshold_for_target < 0 ? 0.5 : loose.threshold_for_target;
    const double suspicious =
        std::clamp(std::max(suspicious_by_precision, OrdinaryQuantile(scored, kOrdinaryFlaggedShare)), 0.2, spam);
    return Thresholds{spam, suspicious};
  };
  std::map<std::string, Thresholds> out;
  std::vector<Scored> all;
  for (const auto& [type, scored] : by_type) {
    if (type != "mail") all.insert(all.end(), scored.begin(), scored.end());
    const long spam = std::count_if(scored.begin(), scored.end(), [](const Scored& s) { return s.spam; });
    if (scored.size() >= 30 && spam >= 10 && type != "mail") out[type] = choose(scored);
  }
  out["default"] = all.empty() ? Thresholds{0.5, 0.3} : choose(all);
  return out;
}

}  // namespace

bool ToldByOthers(const Rendering& rendering) {
  const FeatureVector& f = rendering.features;
  return f[CheckedFeatureIndex("campaign_accounts")] > 0 || f[CheckedFeatureIndex("domain_accounts")] > 0;
}

std::vector<int> AssignFolds(const std::vector<std::string_view>& families, int folds) {
  std::vector<int> fold_of(families.size(), 0);
  std::vector<long> load(folds, 0);
  std::map<std::string_view, long> size;
  long dealt = 0;
  for (std::size_t i = 0; i < families.size(); ++i) {
    if (!families[i].empty()) {
      ++size[families[i]];
    } else {
      fold_of[i] = static_cast<int>(dealt++ % folds);
      ++load[fold_of[i]];
    }
  }
  std::vector<std::pair<long, std::string_view>> largest_first;
  for (const auto& [family, n] : size) largest_first.emplace_back(-n, family);
  std::sort(largest_first.begin(), largest_first.end());  // ties by name: the same folds every time
  std::map<std::string_view, int> family_fold;
  for (const auto& [minus_n, family] : largest_first) {
    const int k = static_cast<int>(std::min_element(load.begin(), load.end()) - load.begin());
    family_fold[family] = k;
    load[k] -= minus_n;
  }
  for (std::size_t i = 0; i < families.size(); ++i) {
    if (!families[i].empty()) fold_of[i] = family_fold[families[i]];
  }
  return fold_of;
}

Status Train(const TrainOptions& o, TrainReport* report) {
  // "campaign" deals both ways, and takes the family deal's scores only
  // where other accounts tell (ToldByOthers).
  const bool by_campaign = o.folds_by == "campaign";
  if (!by_campaign && o.folds_by != "family" && o.folds_by != "turn" && o.folds_by != "both") {
    return Status::InvalidArgument("--folds-by must be campaign, family, turn or both");
  }
  std::vector<Example> examples;
  if (Status s = ReadExamples(o.data, nullptr, &examples); !s.ok()) return s;
  std::vector<const Example*> train, heldout;
  for (const Example& e : examples) {
    const bool held_out =
        e.split.empty() ? security::Sha256Hex(e.rendering.text).substr(0, 2) < "33" : e.split == "heldout";
    (held_out ? heldout : train).push_back(&e);
  }
  // Under "campaign", whether some example told of by others has a family
  // to be dealt by (without one, its family deal would be a deal in turn).
  const bool campaign_by_family = by_campaign && std::any_of(train.begin(), train.end(), [](const Example* e) {
                                    return !e->family.empty() && ToldByOthers(e->rendering);
                                  });
  const bool by_family = o.folds_by == "family" || o.folds_by == "both" || campaign_by_family;
  const bool in_turn = o.folds_by != "family";
  report->train_examples = static_cast<long>(train.size());
  report->heldout_examples = static_cast<long>(heldout.size());
  if (train.empty()) return Status::InvalidArgument("--data: no training examples");

  const bool bundle = !o.out.ends_with(".ftz") && !o.out.ends_with(".bin");
  const std::string words_path = bundle ? o.out + ".words.ftz" : o.out;
  // The words model and, for a bundle, one model per fold for the
  // combiner's out-of-fold scores: independent trainings, run side by side
  // (each on its own fastText thread when `threads` is 1, so that every one
  // stays deterministic).
  std::vector<std::function<Status()>> tasks;
  tasks.push_back([&] { return TrainWords(o, train, words_path, words_path.ends_with(".ftz")); });
  const int folds = std::max(2, o.folds);
  // One deal of the examples into folds per way asked for (AssignFolds),
  // and each example's out-of-fold score in each deal.
  std::vector<std::string_view> families, none(train.size());
  for (const Example* e : train) families.push_back(e->family);
  std::vector<std::vector<int>> deals;
  if (by_family) deals.push_back(AssignFolds(families, folds));
  if (in_turn) deals.push_back(AssignFolds(none, folds));  // last
  std::vector<std::vector<double>> oof(deals.size(), std::vector<double>(train.size(), 0.5));
  if (bundle) {
    for (std::size_t d = 0; d < deals.size(); ++d) {
      for (int k = 0; k < folds; ++k) {
        tasks.push_back([&, d, k]() -> Status {
          const std::vector<int>& fold_of = deals[d];
          std::vector<const Example*> fit;
          for (std::size_t i = 0; i < train.size(); ++i) {
            if (fold_of[i] != k) fit.push_back(train[i]);
          }
          const std::string fold_path = o.out + ".fold" + std::to_string(d) + "-" + std::to_string(k) + ".bin";
          if (Status s = TrainWords(o, fit, fold_path, false); !s.ok()) return s;
          std::shared_ptr<const FastTextModel> fold;
          Status s = FastTextModel::LoadUnchecked(fold_path, &fold);
          std::filesystem::remove(fold_path);
          if (!s.ok()) return s;
          for (std::size_t i = 0; i < train.size(); ++i) {
            if (fold_of[i] == k) oof[d][i] = fold->Predict(train[i]->rendering.text, 0).spam_probability;
          }
          return Status::Ok();
        });
      }
    }
  }
  if (Status s = RunSideBySide(tasks, o.parallel); !s.ok()) return s;

  if (bundle) {
    std::vector<Combiner::Sample> samples;
    for (std::size_t i = 0; i < train.size(); ++i) {
      const Example& e = *train[i];
      if (campaign_by_family && ToldByOthers(e.rendering)) {
        // deals[0] is the family deal, deals[1] the deal in turn: each
        // score weighs half (a line of weight 1 counts once each way:
        // liblinear rounds weights up to 1).
        samples.push_back({oof[0][i], e.rendering.features, e.spam, e.weight / 2});
        samples.push_back({oof[1][i], e.rendering.features, e.spam, e.weight / 2});
      } else if (by_campaign) {
        samples.push_back({oof.back()[i], e.rendering.features, e.spam, e.weight});
      } else {
        for (const std::vector<double>& scores : oof) samples.push_back({scores[i], e.rendering.features, e.spam, e.weight});
      }
    }
    // With two deals every example is there twice: half the C is each
    // sample weighing half (liblinear rounds weights, C it takes as is).
    const double c = by_campaign ? o.combiner_c : o.combiner_c / static_cast<double>(oof.size());
    Combiner combiner;
    if (Status s = Combiner::Train(samples, c, &combiner); !s.ok()) {
      return s;
    }
    // A first bundle without thresholds scores the held-out split; the
    // thresholds chosen there go into the final one.
    nlohmann::json card = {{"train_examples", train.size()}, {"heldout_examples", heldout.size()},
                           {"words", {{"dim", o.dim}, {"epoch", o.epoch}, {"word_ngrams", o.word_ngrams}}},
                           {"combiner", {{"kind", "logistic_regression"}, {"c", o.combiner_c}, {"folds", o.folds}, {"folds_by", o.folds_by}}}};
    if (Status s = SpamModel::WriteBundle(o.out, words_path, combiner, {}, card); !s.ok()) return s;
    std::shared_ptr<const SpamModel> draft;
    if (Status s = SpamModel::Load(o.out, &draft); !s.ok()) return s;
    std::map<std::string, std::vector<Scored>> by_type;
    card["heldout"] = Evaluate(ScoreAll(*draft, heldout, &by_type), o.target_precision).ToJson();
    std::vector<Example> validation;
    if (!o.thresholds_from.empty()) {
      if (Status s = ReadExamples(o.thresholds_from, o.account_signals, &validation); !s.ok()) return s;
      std::vector<const Example*> v;
      for (const Example& e : validation) v.push_back(&e);
      by_type.clear();
      card["thresholds_from"] = std::filesystem::path(o.thresholds_from).filename().string();
      card["validation"] = Evaluate(ScoreAll(*draft, v, &by_type), o.target_precision).ToJson();
    } else {
      card["thresholds_from"] = "heldout";
    }
    const std::map<std::string, Thresholds> thresholds = ChooseThresholds(by_type, o.target_precision);
    for (const auto& [type, t] : thresholds) report->thresholds[type] = {{"spam", t.spam}, {"suspicious", t.suspicious}};
    card["thresholds_target_precision"] = o.target_precision;
    if (Status s = SpamModel::WriteBundle(o.out, words_path, combiner, thresholds, card); !s.ok()) return s;
    std::filesystem::remove(words_path);
  }

  std::shared_ptr<const SpamModel> model;
  if (Status s = SpamModel::Load(o.out, &model); !s.ok()) return s;
  std::map<std::string, std::vector<Scored>> by_type;
  std::map<std::string, std::vector<Scored>> by_source;
  const std::vector<Scored> all = ScoreAll(*model, heldout, &by_type, &by_source);
  report->overall = Evaluate(all, o.target_precision);
  for (const auto& [type, scored] : by_type) report->by_type[type] = Evaluate(scored, o.target_precision);
  for (const auto& [source, scored] : by_source) report->by_source[source] = Evaluate(scored, o.target_precision);
  report->model_bytes = static_cast<long>(std::filesystem::file_size(o.out));
  return Status::Ok();
}

}  // namespace spamphibian::classify
