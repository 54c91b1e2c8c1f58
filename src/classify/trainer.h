// Trainer: trains the spam model from labelled JSONL (examples.h) into one
// bundle (spam_model.h): a fastText words model and a combiner over its
// score and the rendering's features.
//
// Stacking: the combiner must learn how far to trust the words model on
// items it has *not* seen, so it is fitted on out-of-fold scores: the
// training examples are cut into `folds` parts (in turn, or a family whole
// into one: AssignFolds), a words model is trained on all but one and
// scores that one. The words model in the bundle is then trained on
// everything.
//
// The held-out split is fixed by content: an example whose rendered line's
// SHA-256 starts with a byte below 0x33 (about 20%) is never trained on. An
// example may fix its side itself with "split": "train" | "heldout" (the
// SpamAssassin corpus is split by its files' checksums). Per-type
// thresholds are chosen for `target_precision` on `thresholds_from` (or the
// held-out split) and shipped in the bundle: `spam` at the lowest score
// whose verdicts reach the target, `suspicious` at precision 0.85. A type
// with fewer than 30 examples or 10 spam there takes the overall ones.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "classify/evaluation.h"
#include "classify/examples.h"

namespace spamphibian::classify {

// The precision the bundled model's and a retrain's `spam` thresholds are
// chosen for. Above the 0.97 the product aims at, because a threshold
// chosen on a sample reaches less on new items: chosen on one half of the
// dev set and measured on the other (bench/model-quality), 0.97 gave 0.964
// and 0.98 gives 0.971 (recall 0.876 and 0.859).
inline constexpr double kShippedTargetPrecision = 0.98;

// The most of the held-out ordinary items of a type that the shipped
// thresholds may call spam, and spam or suspicious (ChooseThresholds takes
// the stricter of these and the precision target). The product's promise
// is about ordinary people: at most about one in five hundred called spam
// (and never on words alone: verdict.h), one in sixty shown to a person.
inline constexpr double kOrdinarySpamShare = 0.002;
inline constexpr double kOrdinaryFlaggedShare = 0.015;

// The lowest threshold that at most `share` of the ordinary (ham) items in
// `scored` reach; 0 when there are none.
double OrdinaryQuantile(const std::vector<Scored>& scored, double share);

struct TrainOptions {
  std::string data;   // JSONL file
  std::string out;    // model path: a bundle (.spam), or ".ftz"/".bin" for the words model alone
  int dim = 50;
  // 15, not 25: with real text on the ham side, fewer epochs score kinds of
  // text the model never met better (bench/source-holdout, models/README.md).
  int epoch = 15;
  double lr = 0.5;
  int word_ngrams = 2;
  int minn = 0;       // character n-grams of words, from minn to maxn (0: none)
  int maxn = 0;
  int threads = 2;     // fastText threads per model (1: deterministic)
  int parallel = 2;    // models (the words model, the folds) trained side by side
  // Hash buckets for word n-grams; the quantised model keeps at most
  // `cutoff` rows. Both bound the size of the model and the time the
  // quantisation takes (k-means over those rows), whatever the data size.
  int buckets = 200000;
  int cutoff = 50000;
  int seed = 42;
  int folds = 4;      // for the combiner's out-of-fold scores
  // How examples are dealt into those folds (AssignFolds): "turn" (one by
  // one), "family" (a family whole in one fold), "both" (each example
  // scored once each way, each sample weighing half) or "campaign" (in
  // turn, but an example that other accounts tell of, ToldByOthers, is
  // scored both ways, each weighing half). "family" and "both" score the training
  // data's held-out families better (bench/family-holdout) but the dev set
  // worse (models/README.md). "campaign" is for what a campaign is worth:
  // dealt in turn, a campaign's copies are scored by a words model that has
  // met their family and often their very text, so their words say it all
  // and the combiner learns nothing from the campaign (it even learnt to
  // hold one against an item, from the ordinary ones); what it has to learn
  // is what a campaign tells when the words are new.
  std::string folds_by = "campaign";
  double combiner_c = 1.0;
  double target_precision = 0.99;  // the bundled model and retrains: kShippedTargetPrecision
  // A labelled file to choose the per-type thresholds on (never trained
  // on), e.g. a set labelled by hand; "" = the held-out split. Its API
  // lines need `account_signals`.
  std::string thresholds_from;
  AccountSignalsFn account_signals;
};

struct TrainReport {
  long train_examples = 0;
  long heldout_examples = 0;
  Metrics overall;
  std::map<std::string, Metrics> by_type;  // item type -> held-out metrics
  // Where the held-out examples come from -> their metrics: "real/<source>"
  // for real text, "spamassassin", "generated". At the model's thresholds,
  // words alone at most suspicious (verdict.h).
  std::map<std::string, Metrics> by_source;
  long model_bytes = 0;
  nlohmann::json thresholds = nlohmann::json::object();
  nlohmann::json ToJson() const;
};

Status Train(const TrainOptions& options, TrainReport* report);

// The fold each training example's out-of-fold score comes from, given
// each example's family ("" for none). The examples of one family (a spam
// family, or a kind of ordinary project, as the data file says) share a
// fold, so the words model that scores them has seen none of their family;
// dealt in turn, a campaign's near-copies and a family's stock phrases sit
// on both sides of the cut. Examples without a family are dealt in turn;
// families then go, the largest first, to the fold with the fewest
// examples. All empty, it is the plain deal in turn.
std::vector<int> AssignFolds(const std::vector<std::string_view>& families, int folds);

// Whether other accounts tell of an example: a campaign of its text or of
// its link domain. Sign-up bursts are left out: their worth was learnt
// dealt in turn (the generator's bursts are of profiles whose words say
// little), and dealt by family their weight more than doubled.
bool ToldByOthers(const Rendering& rendering);

}  // namespace spamphibian::classify
