// ChainStage: several stages run as one, in one worker, when they run in
// the same process (fetch -> trust -> classify by default).
//
// Each hand-over between stages through a Redis stream costs a round trip
// to read, a commit script, a thread's wake-up and the entry's copy into
// and out of Redis, for every event: at low rates that hand-over, not the
// work, was most of what an event cost. Chained, a link's emits to the next
// link's input stream are handed to it in memory as entries; only what
// leaves the chain (decisions, the archive's entries) is appended, in the
// first link's one atomic commit.
//
// What holds as before: the first link's input entry stays pending until
// the whole chain is done with it, so a crash anywhere redoes the chain
// (at least once, as each stage was). A later link's Retry, Hold or
// DeadLetter becomes the input entry's, and what earlier links emitted is
// dropped with it. An entry handed along keeps the input entry's id with an
// "e" in front ("e1732512000000-0"): stable across redeliveries, so the
// decision ids built from it are too, and never equal to an id of the
// stream it stands for, so a decision of the chain never takes the id of
// one made by a stage reading that stream.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "stages/stage.h"

namespace spamphibian {

struct ChainLink {
  std::unique_ptr<Stage> stage;
  // The stream this link reads when it runs alone (full key): the previous
  // link's emits to it are handed here instead. Unused for the first link.
  std::string input_stream;
};

class ChainStage : public Stage {
 public:
  // `name` is the first link's (its consumer group on the input stream).
  explicit ChainStage(std::vector<ChainLink> links);

  std::string_view name() const override;
  void ProcessBatch(std::span<const Entry> entries, std::vector<Outcome>* outcomes) override;
  Outcome Process(const Entry& entry) override { return ProcessAsBatch(entry); }

 private:
  std::vector<ChainLink> links_;
};

}  // namespace spamphibian
