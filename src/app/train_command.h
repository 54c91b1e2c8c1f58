// `spamphibian train`: trains a model from labelled JSONL (a file, or every
// object under an S3 prefix: `s3://labels/`), prints the held-out metrics,
// and with --upload puts the model in S3 as models/spam-<sha256>.<ext> and
// points MODEL_S3_KEY (default models/current.json) at it with a manifest,
// which running services pick up at their next refresh.
#pragma once

#include "classify/trainer.h"
#include "config/config.h"

namespace spamphibian {

// Returns the process exit code.
int RunTrain(const Config& config, classify::TrainOptions options, bool upload);

}  // namespace spamphibian
