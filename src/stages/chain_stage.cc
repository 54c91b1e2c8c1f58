#include "stages/chain_stage.h"

namespace spamphibian {
namespace {

// Runs `first` and then `second`: a chained entry's after-commit steps are
// every link's, in order.
std::function<void()> Then(std::function<void()> first, std::function<void()> second) {
  if (!first) return second;
  if (!second) return first;
  return [first = std::move(first), second = std::move(second)] {
    first();
    second();
  };
}

}  // namespace

ChainStage::ChainStage(std::vector<ChainLink> links) : links_(std::move(links)) {}

std::string_view ChainStage::name() const { return links_.front().stage->name(); }

void ChainStage::ProcessBatch(std::span<const Entry> entries, std::vector<Outcome>* outcomes) {
  outcomes->assign(entries.size(), Outcome::NothingToDo());
  std::vector<bool> failed(entries.size(), false);
  // The entries the current link reads, and for each the input entry it
  // stands for. The first link reads the input itself.
  std::vector<Entry> handed;
  std::vector<std::size_t> origin(entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) origin[i] = i;
  std::span<const Entry> current = entries;
  std::vector<Outcome> got;

  for (std::size_t k = 0; k < links_.size() && !current.empty(); ++k) {
    Stage& stage = *links_[k].stage;
    stage.ProcessBatch(current, &got);
    const std::string* next_stream = k + 1 < links_.size() ? &links_[k + 1].input_stream : nullptr;
    std::vector<Entry> next;
    std::vector<std::size_t> next_origin;
    std::vector<int> handed_count(entries.size(), 0);
    for (std::size_t j = 0; j < current.size(); ++j) {
      const std::size_t i = origin[j];
      Outcome& out = (*outcomes)[i];
      if (failed[i]) continue;
      Outcome& o = got[j];
      if (o.kind != Outcome::Kind::kDone) {
        // The input entry fails as the link did; nothing emitted before
        // leaves the chain, since the whole chain is done again.
        out = Outcome{o.kind, {}, k == 0 ? std::move(o.error) : std::string(stage.name()) + ": " + o.error, {}};
        failed[i] = true;
        continue;
      }
      out.proves_dependencies = out.proves_dependencies || o.proves_dependencies;
      out.after_commit = Then(std::move(out.after_commit), std::move(o.after_commit));
      for (Emit& emit : o.emits) {
        if (next_stream != nullptr && emit.stream == *next_stream) {
          const int n = handed_count[i]++;
          std::string id = "e" + entries[i].id;
          if (n > 0) id += "." + std::to_string(n);
          next.push_back(Entry{std::move(id), std::move(emit.fields)});
          next_origin.push_back(i);
        } else {
          out.emits.push_back(std::move(emit));
        }
      }
    }
    // An input that failed through one of its entries takes none further.
    handed.clear();
    origin.clear();
    for (std::size_t j = 0; j < next.size(); ++j) {
      if (failed[next_origin[j]]) continue;
      handed.push_back(std::move(next[j]));
      origin.push_back(next_origin[j]);
    }
    current = handed;
  }
}

}  // namespace spamphibian
