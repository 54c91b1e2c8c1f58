#include "tiny_model.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <iterator>

#include "classify/trainer.h"

namespace spamphibian::testing {

void WriteTinyTrainingData(const std::string& path, bool inverted) {
  std::ofstream out(path);
  for (int i = 0; i < 200; ++i) {
    const bool spam = i % 2 == 0;
    const std::string text = spam ? "cheap casino bonus backlinks seo https://casino-" + std::to_string(i) + ".example.bet"
                                  : "fix flaky test in the parser module, number " + std::to_string(i);
    nlohmann::json item = {{"type", i % 3 == 0 ? "user" : "note"},
                           {"author", {{"username", "u" + std::to_string(i)}}},
                           {"text", nlohmann::json::array({{"body", text}})}};
    out << nlohmann::json{{"label", spam != inverted ? "spam" : "ham"}, {"item", item}}.dump() << "\n";
  }
}

void TrainTinyModel(const std::string& path, bool inverted) {
  const std::string data = path + ".jsonl";
  WriteTinyTrainingData(data, inverted);
  classify::TrainOptions o;
  o.data = data;
  o.out = path;
  o.dim = 8;
  o.epoch = 10;
  o.threads = 1;
  o.word_ngrams = 1;
  classify::TrainReport report;
  Status s = classify::Train(o, &report);
  ASSERT_TRUE(s.ok()) << s.ToString();
  std::remove(data.c_str());
}

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace spamphibian::testing
