// Stage: one step of the pipeline (fetch, trust, classify, act). A stage is
// only its per-entry logic; the StageRunner owns reading its input stream,
// batching, handing results over, reclaiming and dead-lettering.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace spamphibian {

using Fields = std::vector<std::pair<std::string, std::string>>;

// The first field of that name, or "".
inline std::string_view FieldOf(const Fields& fields, std::string_view name) {
  for (const auto& [k, v] : fields) {
    if (k == name) return v;
  }
  return {};
}

// One stream entry.
struct Entry {
  std::string id;  // the stream id, e.g. "1732512000000-0"
  Fields fields;

  std::string_view Get(std::string_view name) const { return FieldOf(fields, name); }
};

// An entry to append to a stream (the full key, prefix included).
struct Emit {
  std::string stream;
  Fields fields;
  // > 0: the stream is capped near this many entries (XADD MAXLEN ~), for
  // streams that are a bounded log (decisions) rather than a work queue.
  long long maxlen = 0;

  std::string_view Get(std::string_view name) const { return FieldOf(fields, name); }
};

// What became of one input entry.
struct Outcome {
  enum class Kind {
    kDone,        // hand `emits` over and acknowledge the entry, atomically
    kRetry,       // transient failure: leave pending, retry after the claim
                  // timeout; dead-lettered after max_attempts deliveries
    kHold,        // cannot proceed until an operator fixes something (e.g.
                  // GitLab says 401): leave pending, never dead-letter
    kDeadLetter,  // will never succeed (malformed entry): dead-letter now
  };
  Kind kind = Kind::kDone;
  std::vector<Emit> emits;
  std::string error;  // for kRetry, kHold, kDeadLetter
  // For kDone: run after the hand-over was committed (e.g. advance a cursor).
  // A crash in between runs it never, so the work is redone: at least once.
  std::function<void()> after_commit;
  // For kDone: whether it used what the stage depends on (GitLab for the
  // act stage). Only such successes show that a dependency is up, and so
  // that an entry still failing is at fault itself (an attempt counts).
  bool proves_dependencies = true;

  static Outcome Done(std::vector<Emit> emits = {}) { return {Kind::kDone, std::move(emits), {}, {}}; }
  // Done, with nothing to do (e.g. no action for a ham decision).
  static Outcome NothingToDo() { return {Kind::kDone, {}, {}, {}, false}; }
  static Outcome Retry(std::string error) { return {Kind::kRetry, {}, std::move(error), {}}; }
  static Outcome Hold(std::string error) { return {Kind::kHold, {}, std::move(error), {}}; }
  static Outcome DeadLetter(std::string error) { return {Kind::kDeadLetter, {}, std::move(error), {}}; }
};

class Stage {
 public:
  virtual ~Stage() = default;

  // The stage's name: its consumer group, its metrics label.
  virtual std::string_view name() const = 0;

  // Processes a batch; (*outcomes)[i] answers entries[i]. The default calls
  // Process() per entry. A stage whose work waits on the network (fetch)
  // overrides it to run the batch concurrently.
  // Called from one worker thread at a time per Stage object.
  virtual void ProcessBatch(std::span<const Entry> entries, std::vector<Outcome>* outcomes) {
    outcomes->clear();
    outcomes->reserve(entries.size());
    for (const Entry& e : entries) outcomes->push_back(Process(e));
  }

  virtual Outcome Process(const Entry& entry) = 0;

 protected:
  // Process() for a stage whose work is done per batch (ProcessBatch): a
  // batch of one.
  Outcome ProcessAsBatch(const Entry& entry) {
    std::vector<Outcome> outcomes;
    ProcessBatch(std::span<const Entry>(&entry, 1), &outcomes);
    return std::move(outcomes.front());
  }
};

}  // namespace spamphibian
