// TrainTinyModel: a small but real fastText spam model, trained in well
// under a second, for tests that need two different models (hot swap) or a
// model file to corrupt. `inverted` swaps the labels: it calls casino spam
// ham, so a swap shows in the verdicts.
#pragma once

#include <string>

namespace spamphibian::testing {

// Labelled JSONL that trains such a model (for `spamphibian train`).
void WriteTinyTrainingData(const std::string& path, bool inverted = false);

// Writes the model to `path` (.bin: too small to quantise); fails the test
// on error.
void TrainTinyModel(const std::string& path, bool inverted = false);

// The whole file as bytes.
std::string ReadBytes(const std::string& path);

}  // namespace spamphibian::testing
