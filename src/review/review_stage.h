// ReviewStage: decisions -> the review queue. A second consumer group on
// the `decisions` stream (the act stage is the first), so that the queue
// sees every classified decision whatever the act stage does with it, and
// neither waits for the other. Each classified decision (spam, suspicious,
// ham) becomes a pending review, once; trusted and gone items, and the
// reviewed decisions the queue itself sends to the act stage, do not.
#pragma once

#include <functional>

#include "review/review_store.h"
#include "stages/stage.h"

namespace spamphibian::review {

class ReviewStage : public Stage {
 public:
  // `store` must outlive the stage; `now_ms` is the clock (injected for tests).
  ReviewStage(ReviewStore& store, std::function<std::int64_t()> now_ms);

  std::string_view name() const override { return "review"; }
  Outcome Process(const Entry& entry) override;

 private:
  ReviewStore& store_;
  std::function<std::int64_t()> now_ms_;
};

}  // namespace spamphibian::review
