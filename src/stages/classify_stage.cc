#include "stages/classify_stage.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "base/data_files.h"
#include "classify/judgement.h"
#include "classify/language.h"
#include "classify/text_rendering.h"
#include "classify/verdict.h"
#include "decisions/decision.h"
#include "gitlab/item.h"

namespace spamphibian {

std::string DefaultModelPath() { return DataFile("default.spam", SPAMPHIBIAN_DEFAULT_MODEL); }

ClassifyStage::ClassifyStage(ClassifyStageOptions options, const classify::ModelHolder& models, metrics::Registry& metrics,
                             spdlog::logger& log)
    : options_(std::move(options)),
      models_(models),
      decisions_(metrics.AddCounter("spamphibian_decisions_total", "Classification decisions, by item type and verdict.",
                                    {"item_type", "verdict"})),
      languages_(metrics.AddCounter("spamphibian_decisions_by_language_total",
                                    "Classification decisions, by the language the item is written in (ISO 639-1; "
                                    "unknown when too short to tell) and verdict.",
                                    {"language", "verdict"})),
      scores_(metrics.AddHistogram("spamphibian_classify_score", "Spam probability of classified items, by item type.",
                                   {"item_type"}, {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99})),
      shadow_agreement_(metrics.AddCounter("spamphibian_shadow_agreement_total",
                                           "Items scored by the current model and the shadowed candidate, by item "
                                           "type and the two verdicts.",
                                           {"item_type", "current", "candidate"})),
      remembered_(metrics.AddCounter("spamphibian_classify_remembered_total",
                                     "Items called spam because reviewers confirmed their author or a linked domain "
                                     "spam, by what was remembered.",
                                     {"memory"})),
      campaigns_(metrics.AddCounter("spamphibian_campaigns_total",
                                    "Items that two or more other accounts share something with, by what: nearly the "
                                    "same text, a link domain, or a sign-up's make (a burst); and items of a flood: "
                                    "an account's fifth item of a type within the day (flood), or its third of nearly "
                                    "the same text (repeats).",
                                    {"kind"})),
      log_(log) {}

namespace {

std::string VerdictOf(double score, const ThresholdPair& t, bool evidence) {
  return std::string(classify::VerdictOf(score, t.spam, t.suspicious, evidence));
}

}  // namespace

Outcome ClassifyStage::Process(const Entry& entry) { return ProcessAsBatch(entry); }

// A batch in three steps: parse and render every entry, count campaigns for
// all of them in one round trip, then score and decide each.
void ClassifyStage::ProcessBatch(std::span<const Entry> entries, std::vector<Outcome>* outcomes) {
  outcomes->assign(entries.size(), Outcome::Done());
  std::vector<Prepared> prepared(entries.size());
  std::vector<classify::CampaignKey> keys;
  std::vector<std::size_t> keyed;  // keys[k] belongs to entries[keyed[k]]
  for (std::size_t i = 0; i < entries.size(); ++i) {
    Prepared& p = prepared[i];
    // The text and the author only: the API object (`raw`, most of the
    // entry) goes on to the decision as the entry's text, unread here.
    Status s = records::Decode(entries[i], &p.record);
    if (s.ok()) s = gitlab::ParseItem(p.record.item, gitlab::ItemParts::kWithoutRefsAndRaw, &p.item);
    if (!s.ok()) {
      (*outcomes)[i] = Outcome::DeadLetter(s.message());
      continue;
    }
    if (options_.remote) p.json = nlohmann::json::parse(p.record.item, nullptr, false);  // the model service's input
    p.signals = nlohmann::json::parse(p.record.signals, nullptr, false);
    if (p.signals.is_discarded()) p.signals = nlohmann::json::object();
    p.rendering = classify::Render(p.item, p.signals);
    p.ok = true;
    if (options_.campaigns != nullptr) {
      keys.push_back(classify::CampaignKeyOf(p.item, p.rendering));
      p.text_hash = keys.back().simhash;
      keyed.push_back(i);
    }
  }
  if (!keys.empty()) {
    std::vector<classify::CampaignCounts> counts;
    const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    if (Status s = options_.campaigns->ObserveBatch(keys, now_ms, &counts); !s.ok()) {
      for (std::size_t i : keyed) (*outcomes)[i] = Outcome::Retry("campaign memory: " + s.message());
      return;
    }
    for (std::size_t k = 0; k < keyed.size(); ++k) {
      Prepared& p = prepared[keyed[k]];
      p.campaign = counts[k];
      classify::ApplyCampaign(p.campaign, p.item.type, &p.rendering);
      // Counted by the tokens that fired (ApplyCampaign: a note's items are no flood).
      const auto& fired = p.rendering.signals;
      for (const auto& [kind, token] : {std::pair{"text", "sig_campaign_text"},
                                        {"domain", "sig_campaign_domain"},
                                        {"signup", "sig_campaign_signup"},
                                        {"flood", "sig_author_flood"},
                                        {"repeats", "sig_author_repeats"}}) {
        if (std::binary_search(fired.begin(), fired.end(), std::string_view(token))) campaigns_.With({kind}).Inc();
      }
    }
  }
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (prepared[i].ok) (*outcomes)[i] = Decide(entries[i], &prepared[i]);
  }
}

Outcome ClassifyStage::Decide(const Entry& entry, Prepared* prepared) {
  const gitlab::Item& item = prepared->item;
  const classify::Rendering& rendering = prepared->rendering;
  std::string version;
  const auto model = models_.Get(&version);
  if (model == nullptr) return Outcome::Retry("no model loaded");
  classify::Score p = model->Predict(rendering, 5);
  std::string scored_by = "embedded model " + version;
  if (options_.remote) {
    double remote_score = 0;
    Status s = options_.remote(item.event_type, prepared->json, &remote_score);
    if (s.ok()) {
      p.probability = remote_score;
      scored_by = "model service";
    } else if (options_.hold_when_remote_down) {
      return Outcome::Hold(s.message());
    } else {
      scored_by = "embedded model " + version + " (model service unavailable: " + s.message() + ")";
    }
  }

  const ThresholdPair t = classify::ThresholdsFor(options_.by_type, options_.defaults, *model, item.type,
                                                  scored_by.starts_with("embedded"));
  const classify::CampaignCounts& campaign = prepared->campaign;
  classify::Judgement j = classify::Judge(rendering, campaign, p, t);
  if (!j.remembered.empty() && j.model_score < t.spam) remembered_.With({j.remembered}).Inc();
  const double score = j.score;
  const std::string& verdict = j.verdict;

  Decision d;
  d.decision_id = "classify-" + entry.id;
  d.event_type = item.event_type;
  d.item_type = item.type;
  d.item_id = item.id;
  d.verdict = verdict;
  d.time = NowRfc3339();
  d.reasons = std::move(j.reasons);
  d.extra["explanation"] = std::move(j.explanation);
  d.extra["score"] = score;
  if (score != p.probability) d.extra["model_score"] = p.probability;
  d.extra["words_score"] = p.words_probability;
  // The act stage's policy may set its own thresholds; it keeps this rule.
  d.extra["words_alone"] = !j.evidence;
  d.extra["thresholds"] = {{"spam", t.spam}, {"suspicious", t.suspicious}};
  d.extra["model_version"] = options_.remote && scored_by == "model service" ? "service" : version;
  d.extra["scored_by"] = scored_by;
  d.extra["author"] = item.author.username;
  if (!rendering.language.empty()) {
    d.extra["language"] = rendering.language;
    d.extra["language_name"] = classify::LanguageName(rendering.language);
  }
  d.extra["web_url"] = item.web_url;
  // The act stage's policy looks at the account's age. Moved, not copied:
  // the prepared entry is done with once decided.
  d.extra["signals"] = std::move(prepared->signals);
  // Other accounts with nearly the same text or the same link domains lately.
  // The domains are the review queue's campaign index (review/review_stage.h);
  // the text's hash and buckets are where a reviewer's answer about it is
  // remembered (classify::kReviewedTextKey).
  d.extra["campaign"] = {{"text_accounts", campaign.text_accounts},
                         {"domain_accounts", campaign.domain_accounts},
                         {"signup_accounts", campaign.signup_accounts},
                         {"author_items", campaign.author_items},
                         {"author_repeats", campaign.author_repeats},
                         {"domains", rendering.link_domains}};
  if (prepared->text_hash != 0) {
    d.extra["campaign"]["text_hash"] = classify::TextHashField(prepared->text_hash);
    d.extra["campaign"]["text_buckets"] = classify::TextBuckets(prepared->text_hash);
  }
  // The shadowed candidate: the same rendering, its own thresholds. Once it
  // is promoted the two refreshers swap independently; for that second the
  // shadow is the current model, and comparing it with itself says nothing.
  std::string shadow_version;
  const auto shadow = options_.shadow != nullptr ? options_.shadow->Get(&shadow_version) : nullptr;
  if (shadow != nullptr && shadow_version != version) {
    const double shadow_score = shadow->Predict(rendering, 0).probability;
    const std::string shadow_verdict = VerdictOf(
        shadow_score, classify::ThresholdsFor(options_.by_type, options_.defaults, *shadow, item.type, true),
        j.rendered_evidence);
    d.extra["shadow"] = {{"model_version", shadow_version}, {"score", shadow_score}, {"verdict", shadow_verdict}};
    // Model against model: the current one's verdict before the reviewers' memory.
    shadow_agreement_.With({item.type, VerdictOf(p.probability, t, j.rendered_evidence), shadow_verdict}).Inc();
  }
  // The act stage needs the item; it goes in as the entry's text, neither
  // copied nor serialised again (logs leave it out).
  d.item_json = std::string(prepared->record.item);

  decisions_.With({item.type, verdict}).Inc();
  languages_.With({rendering.language.empty() ? std::string("unknown") : std::string(rendering.language), verdict}).Inc();
  scores_.With({item.type}).Observe(score);
  Outcome out = Outcome::Done();
  RecordDecision(log_, options_.decisions, d, &out.emits);
  if (!options_.archive_stream.empty()) {
    // The same entry, serialised once: the archive stream is uncapped.
    Emit archived = out.emits.front();
    archived.stream = options_.archive_stream;
    archived.maxlen = 0;
    out.emits.push_back(std::move(archived));
  }
  return out;
}

}  // namespace spamphibian
