#include "classify/fasttext_model.h"
#include "classify/spam_model.h"

#include <fasttext/args.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "child_process.h"

namespace spamphibian::classify {
namespace {

// Trains a tiny model on the spot; the real one is trained by
// `spamphibian train` from the bundled dataset.
class FastTextModelTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    const std::string data = dir_->path() + "/train.txt";
    std::ofstream out(data);
    const char* spam[] = {"buy cheap pills online url_domain:pills.example sig_links_1",
                          "casino bonus free spins url_domain:casino.example sig_links_1",
                          "quickbooks support number __phone__ sig_phone call now",
                          "best seo backlinks cheap url_domain:seo.example sig_website_without_bio"};
    const char* ham[] = {"fix race in the parser tests pass on main sig_links_0",
                         "leader election stalls after the timeout sig_links_0",
                         "add pre vote to raft implementation sig_links_0",
                         "typo in readme cargo build sig_links_0"};
    for (int i = 0; i < 40; ++i) {
      out << "__label__spam " << spam[i % 4] << "\n";
      out << "__label__ham " << ham[i % 4] << "\n";
    }
    out.close();
    fasttext::Args args;
    args.input = data;
    args.output = dir_->path() + "/model";
    args.model = fasttext::model_name::sup;
    args.loss = fasttext::loss_name::softmax;
    args.dim = 16;
    args.epoch = 30;
    args.lr = 0.5;
    args.minCount = 1;
    args.minn = 0;
    args.maxn = 0;
    args.thread = 1;
    args.verbose = 0;
    fasttext::FastText ft;
    ft.train(args);
    ft.saveModel(dir_->path() + "/model.bin");
  }
  static void TearDownTestSuite() { delete dir_; }
  static testing::TempDir* dir_;
};
testing::TempDir* FastTextModelTest::dir_ = nullptr;

TEST_F(FastTextModelTest, ScoresAndExplains) {
  std::shared_ptr<const FastTextModel> model;
  ASSERT_TRUE(FastTextModel::Load(dir_->path() + "/model.bin", &model).ok());
  Prediction spam = model->Predict("casino free spins cheap pills url_domain:casino.example");
  Prediction ham = model->Predict("fix the parser tests");
  EXPECT_GT(spam.spam_probability, 0.8);
  EXPECT_LT(ham.spam_probability, 0.2);
  ASSERT_FALSE(spam.top_tokens.empty());
  EXPECT_TRUE(spam.top_tokens[0].first == "casino" || spam.top_tokens[0].first == "cheap" ||
              spam.top_tokens[0].first == "pills" || spam.top_tokens[0].first == "spins" ||
              spam.top_tokens[0].first == "free" || spam.top_tokens[0].first == "url_domain:casino.example")
      << spam.top_tokens[0].first;
  EXPECT_GT(spam.top_tokens[0].second, 0);
  for (std::size_t i = 1; i < spam.top_tokens.size(); ++i) EXPECT_GE(spam.top_tokens[i - 1].second, spam.top_tokens[i].second);
}

TEST_F(FastTextModelTest, CorruptOrMissingModelIsRefused) {
  std::shared_ptr<const FastTextModel> model;
  EXPECT_TRUE(FastTextModel::Load(dir_->path() + "/missing.bin", &model).IsInvalidArgument());
  const std::string corrupt = dir_->path() + "/corrupt.bin";
  std::ofstream(corrupt) << "this is not a fastText model";
  EXPECT_TRUE(FastTextModel::Load(corrupt, &model).IsInvalidArgument());
  // A truncated download.
  const std::string truncated = dir_->path() + "/truncated.bin";
  std::filesystem::copy_file(dir_->path() + "/model.bin", truncated, std::filesystem::copy_options::overwrite_existing);
  std::filesystem::resize_file(truncated, std::filesystem::file_size(truncated) / 2);
  EXPECT_TRUE(FastTextModel::Load(truncated, &model).IsInvalidArgument());
  EXPECT_EQ(model, nullptr);
}

TEST_F(FastTextModelTest, APrefixOfTheBundledModelIsRefusedNotLoadedWithoutBound) {
  // Its header asks for a matrix of gigabytes: the trial load in the child
  // hits its memory ceiling instead of eating the machine.
  const std::string prefix = dir_->path() + "/prefix.ftz";
  std::filesystem::copy_file(SPAMPHIBIAN_DEFAULT_MODEL, prefix, std::filesystem::copy_options::overwrite_existing);
  std::filesystem::resize_file(prefix, 1000);
  std::shared_ptr<const FastTextModel> model;
  EXPECT_TRUE(FastTextModel::Load(prefix, &model).IsInvalidArgument());
  EXPECT_EQ(model, nullptr);
}

TEST_F(FastTextModelTest, ScoresStayWithinZeroAndOne) {
  // The bundled model: its words model and the combiner over it.
  std::shared_ptr<const SpamModel> model;
  ASSERT_TRUE(SpamModel::Load(SPAMPHIBIAN_DEFAULT_MODEL, &model).ok());
  for (const char* text : {"buy cheap viagra casino backlinks seo loans crypto", "", "sig_type_user", "hello"}) {
    const double words = model->words().Predict(text, 0).spam_probability;
    EXPECT_GE(words, 0.0);
    EXPECT_LE(words, 1.0);
    Rendering r;
    r.text = text;
    r.features.fill(1e6);  // absurd features still give a probability
    const double p = model->Predict(r, 0).probability;
    EXPECT_GE(p, 0.0);
    EXPECT_LE(p, 1.0);
  }
}

// Lines of the dictionary's words, unknown words, runs of fastText's
// separators, a word that looks like a label, a newline inside, a long line.
std::vector<std::string> ProbeLines(const fasttext::Dictionary& dict) {
  std::vector<std::string> lines = {"", " ", "sig_type_user", "never-seen-token", "__label__ham buy now",
                                    "buy\tcheap\vpills\f now\r", "first line\nsecond line", "a  b   c"};
  std::mt19937 rng(7);
  for (int n : {1, 2, 5, 20, 200, 3000}) {
    for (int k = 0; k < 20; ++k) {
      std::string line;
      for (int i = 0; i < n; ++i) {
        if (i > 0) line += ' ';
        // Not "</s>": fastText ends a line at it.
        const std::string& word = dict.getWord(static_cast<int>(rng() % dict.nwords()));
        line += rng() % 7 == 0 || word == fasttext::Dictionary::EOS ? "unknown" + std::to_string(rng() % 1000) : word;
      }
      lines.push_back(line);
    }
  }
  return lines;
}

void ExpectPushesScoreAsTheLibrary(const FastTextModel& model, const fasttext::Dictionary& dict) {
  ASSERT_TRUE(model.scores_by_push());
  for (const std::string& line : ProbeLines(dict)) {
    const Prediction push = model.Predict(line, 5);
    const Prediction library = model.PredictWithLibrary(line, 5);
    EXPECT_NEAR(push.spam_probability, library.spam_probability, 5e-6) << line.substr(0, 200);
    // The same word leads the explanation (the library's path splits at
    // spaces, tabs and newlines only, fastText at any of its separators,
    // and its reader ends the line at a newline, which a rendering never
    // holds).
    if (line.find_first_of("\v\f\r\n") == std::string::npos && !push.top_tokens.empty() && !library.top_tokens.empty() &&
        library.top_tokens[0].second - (library.top_tokens.size() > 1 ? library.top_tokens[1].second : 0) > 1e-6) {
      EXPECT_EQ(push.top_tokens[0].first, library.top_tokens[0].first) << line.substr(0, 200);
    }
    for (const auto& [token, weight] : push.top_tokens) EXPECT_FALSE(token.starts_with("sig_")) << token;
  }
}

TEST_F(FastTextModelTest, PushesScoreAsTheLibraryDoes) {
  // A dense model of words alone, and the bundled one: quantised, pruned,
  // with word bigrams.
  std::shared_ptr<const FastTextModel> small;
  ASSERT_TRUE(FastTextModel::Load(dir_->path() + "/model.bin", &small).ok());
  fasttext::FastText ft;
  ft.loadModel(dir_->path() + "/model.bin");
  ExpectPushesScoreAsTheLibrary(*small, *ft.getDictionary());

  std::shared_ptr<const SpamModel> bundled;
  ASSERT_TRUE(SpamModel::Load(SPAMPHIBIAN_DEFAULT_MODEL, &bundled).ok());
  ASSERT_TRUE(bundled->words().quantized());
  ExpectPushesScoreAsTheLibrary(bundled->words(), bundled->words().dictionary());
}

}  // namespace
}  // namespace spamphibian::classify
