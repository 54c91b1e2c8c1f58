// Classification speed with the bundled default model, per item type, on
// the simulator's hand-written items (models/sim_eval.jsonl):
//   BM_Predict/<type>        rendering + fastText prediction + explanation
//   BM_ClassifyStage/<type>  the whole stage step: parse the entry's JSON,
//                            predict, build the decision and its stream entry
//   BM_ClassifyStageApi/<type>  the same step on entries as the fetch and
//                            trust stages write them in service: GitLab API
//                            objects (the dev set's, whose labels play no
//                            part here) normalised, their `raw` kept, and
//                            the author's account signals
//   BM_Words/<type>          the words model alone, scored by the pushes
//   BM_WordsLibrary/<type>   the same, by fastText's own path (side by side)
//   BM_Language/<type>       telling the language of the rendering's words
// Each reports items/s and, per item, p50/p99 latency in microseconds
// (counters p50_us, p99_us), measured around every single item.
//
//   build/classify_bench [--benchmark_filter=user]
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "classify/fasttext_model.h"
#include "classify/language.h"
#include "classify/text_rendering.h"
#include "gitlab/item.h"
#include "gitlab/normalize.h"
#include "log/json_log.h"
#include "stages/classify_stage.h"
#include "trust/account_signals.h"

namespace spamphibian {
namespace {

struct Example {
  gitlab::Item item;
  nlohmann::json signals;
  std::string item_json;
};

const std::map<std::string, std::vector<Example>>& ExamplesByType() {
  static const auto* examples = [] {
    auto* m = new std::map<std::string, std::vector<Example>>();
    std::ifstream in(SPAMPHIBIAN_SIM_EVAL);
    if (!in) {
      // Without it no benchmark registers and the run would look like a pass.
      std::fprintf(stderr, "%s is missing: run python3 models/make_sim_eval.py\n", SPAMPHIBIAN_SIM_EVAL);
      std::exit(2);
    }
    std::string line;
    while (std::getline(in, line)) {
      const auto j = nlohmann::json::parse(line);
      Example e;
      if (!gitlab::FromJson(j["item"], &e.item).ok()) continue;
      e.signals = j.value("signals", nlohmann::json::object());
      e.item_json = j["item"].dump();
      (*m)[e.item.type].push_back(std::move(e));
    }
    return m;
  }();
  return *examples;
}

// The dev set's API objects by type, as the stage's entries ("item",
// "signals") in service.
const std::map<std::string, std::vector<Entry>>& ApiEntriesByType() {
  static const auto* entries = [] {
    auto* m = new std::map<std::string, std::vector<Entry>>();
    std::shared_ptr<const TrustPolicy> policy;
    std::vector<std::string> warnings;
    std::ifstream in(SPAMPHIBIAN_EVAL_DATA);
    if (!in || !TrustPolicy::Build(TrustOptions{}, &policy, &warnings).ok()) {
      std::fprintf(stderr, "%s is missing or no trust policy\n", SPAMPHIBIAN_EVAL_DATA);
      std::exit(2);
    }
    std::string line;
    while (std::getline(in, line)) {
      const auto j = nlohmann::json::parse(line);
      gitlab::Item item;
      if (!gitlab::Normalize(j.value("item_type", ""), j["api"], &item).ok()) continue;
      const auto signals = AccountSignals(item.author, ItemTime(item, std::chrono::system_clock::now()), *policy);
      (*m)[item.type].push_back(Entry{"1-0", {{"item", gitlab::ToJson(item).dump()}, {"signals", signals.dump()}}});
    }
    return m;
  }();
  return *entries;
}

std::shared_ptr<const classify::SpamModel> Model() {
  static const auto model = [] {
    std::shared_ptr<const classify::SpamModel> m;
    if (!classify::SpamModel::Load(DefaultModelPath(), &m).ok()) std::abort();
    return m;
  }();
  return model;
}

// Runs `one` per item, round-robin over the type's items, timing each.
template <typename T, typename F>
void TimeEach(benchmark::State& state, const std::vector<T>& examples, F one) {
  std::vector<double> us;
  us.reserve(1 << 20);
  std::size_t i = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    one(examples[i++ % examples.size()]);
    const auto t1 = std::chrono::steady_clock::now();
    if (us.size() < us.capacity()) us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
  }
  std::sort(us.begin(), us.end());
  state.counters["p50_us"] = us.empty() ? 0 : us[us.size() / 2];
  state.counters["p99_us"] = us.empty() ? 0 : us[us.size() * 99 / 100];
  state.SetItemsProcessed(state.iterations());
}

void BM_Predict(benchmark::State& state, const std::string& type) {
  const auto model = Model();
  TimeEach(state, ExamplesByType().at(type), [&](const Example& e) {
    benchmark::DoNotOptimize(model->Predict(classify::Render(e.item, e.signals), 5));
  });
}

// The words model's two paths on the same renderings, explained (top 5).
void BM_Words(benchmark::State& state, const std::string& type, bool library) {
  const auto model = Model();
  std::vector<std::string> lines;
  for (const auto& e : ExamplesByType().at(type)) lines.push_back(classify::Render(e.item, e.signals).text);
  std::size_t i = 0;
  TimeEach(state, ExamplesByType().at(type), [&](const Example&) {
    const std::string& line = lines[i++ % lines.size()];
    benchmark::DoNotOptimize(library ? model->words().PredictWithLibrary(line, 5) : model->words().Predict(line, 5));
  });
}

void BM_Language(benchmark::State& state, const std::string& type) {
  std::vector<std::vector<std::string>> words;
  for (const auto& e : ExamplesByType().at(type)) {
    std::istringstream in(classify::Render(e.item, e.signals).words);
    words.emplace_back();
    for (std::string w; in >> w;) words.back().push_back(w);
  }
  std::size_t i = 0;
  TimeEach(state, ExamplesByType().at(type),
           [&](const Example&) { benchmark::DoNotOptimize(classify::LanguageOf(words[i++ % words.size()])); });
}

void TimeStage(benchmark::State& state, const std::vector<Entry>& entries) {
  classify::ModelHolder holder;
  holder.Set(Model(), "bench", "bundled");
  metrics::Registry registry;
  auto log = MakeNullLogger();
  ClassifyStageOptions options;
  options.decisions = {"spamphibian:decisions", "spamphibian:decision_log", 100000};
  options.archive_stream = "spamphibian:archive";
  // Campaigns counted in process: the SimHash and the bookkeeping, without
  // the Redis round trip of the service (bench/hook-to-action has that).
  classify::LocalCampaignMemory campaigns({});
  options.campaigns = &campaigns;
  ClassifyStage stage(options, holder, registry, *log);
  TimeEach(state, entries, [&](const Entry& entry) { benchmark::DoNotOptimize(stage.Process(entry)); });
}

void BM_ClassifyStage(benchmark::State& state, const std::string& type) {
  std::vector<Entry> entries;
  for (const auto& e : ExamplesByType().at(type)) entries.push_back(Entry{"1-0", {{"item", e.item_json}, {"signals", e.signals.dump()}}});
  TimeStage(state, entries);
}

void BM_ClassifyStageApi(benchmark::State& state, const std::string& type) {
  TimeStage(state, ApiEntriesByType().at(type));
}

const bool registered = [] {
  for (const auto& [type, examples] : ExamplesByType()) {
    benchmark::RegisterBenchmark(("BM_Predict/" + type).c_str(), BM_Predict, type);
    benchmark::RegisterBenchmark(("BM_ClassifyStage/" + type).c_str(), BM_ClassifyStage, type);
    benchmark::RegisterBenchmark(("BM_Words/" + type).c_str(), BM_Words, type, false);
    benchmark::RegisterBenchmark(("BM_WordsLibrary/" + type).c_str(), BM_Words, type, true);
    benchmark::RegisterBenchmark(("BM_Language/" + type).c_str(), BM_Language, type);
  }
  for (const auto& [type, entries] : ApiEntriesByType()) {
    benchmark::RegisterBenchmark(("BM_ClassifyStageApi/" + type).c_str(), BM_ClassifyStageApi, type);
  }
  return true;
}();

}  // namespace
}  // namespace spamphibian

BENCHMARK_MAIN();
