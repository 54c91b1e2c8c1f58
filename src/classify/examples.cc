#include "classify/examples.h"

#include <fstream>

#include "gitlab/normalize.h"

namespace spamphibian::classify {
namespace {

constexpr std::int64_t kSignupWindowLines = 500;
constexpr std::int64_t kSignupBaselineLines = 168 * kSignupWindowLines;  // a week to an hour, as served
constexpr std::int64_t kFloodWindowLines = 24 * kSignupWindowLines;     // a day, as served

// Where a real text goes in an item of each type: the field people write
// the most in.
constexpr std::pair<std::string_view, std::string_view> kTextFieldOf[] = {
    {"note", "body"},          {"issue", "description"},   {"merge_request", "description"},
    {"snippet", "content"},    {"wiki_page", "content"},   {"project", "description"},
    {"group", "description"},  {"user", "bio"}};

std::string_view TextFieldOf(std::string_view type) {
  for (const auto& [t, field] : kTextFieldOf) {
    if (t == type) return field;
  }
  return "";
}

}  // namespace

bool CanReadTextAs(std::string_view type) { return !TextFieldOf(type).empty(); }

Status ReadExamples(const std::string& path, const AccountSignalsFn& account_signals, std::vector<Example>* out,
                    std::string_view text_as) {
  if (!CanReadTextAs(text_as)) return Status::InvalidArgument("cannot read real text as '" + std::string(text_as) + "'");
  std::ifstream in(path);
  if (!in) return Status::InvalidArgument("--data: cannot read '" + path + "'");
  // Time is the line number: a file is one stream of items. Campaigns count
  // across the whole file; a sign-up burst within kSignupWindowLines lines
  // (the items an instance might see in an hour); an account's flood within
  // a day's lines.
  LocalCampaignMemory campaigns({.campaign_ms = 1ll << 60,
                                 .signup_ms = kSignupWindowLines,
                                 .signup_baseline_ms = kSignupBaselineLines,
                                 .author_ms = kFloodWindowLines});
  std::string line;
  long line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty()) continue;
    const std::string where = path + ":" + std::to_string(line_no) + ": ";
    const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_object() || !j.contains("label") || !j["label"].is_string()) {
      return Status::InvalidArgument(where + "not a labelled item");
    }
    const std::string label = j["label"];
    if (label != "spam" && label != "ham") return Status::InvalidArgument(where + "label must be spam or ham");
    gitlab::Item item;
    nlohmann::json signals = j.value("signals", nlohmann::json::object());
    if (j.contains("api")) {
      if (Status s = gitlab::Normalize(j.value("item_type", ""), j["api"], &item); !s.ok()) {
        return Status::InvalidArgument(where + s.message());
      }
      if (account_signals) signals = account_signals(item);
    } else if (!j.contains("item") && j.contains("text") && j["text"].is_string()) {
      // A real text: an item of `text_as` by an author we know nothing of,
      // each line its own (so that no campaign is made of one person).
      item.type = std::string(text_as);
      item.id = "text/" + std::to_string(line_no);
      item.visibility = "public";
      item.text.emplace_back(std::string(TextFieldOf(text_as)), j["text"].get<std::string>());
    } else if (!gitlab::FromJson(j.value("item", nlohmann::json()), &item).ok()) {
      return Status::InvalidArgument(where +
                                     "not a labelled item (needs \"item\", \"item_type\" and \"api\", or \"text\")");
    }
    Example e;
    auto str = [&](const char* key) { return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string(); };
    e.split = str("split");
    if (e.split != "" && e.split != "train" && e.split != "heldout") {
      return Status::InvalidArgument(where + "split must be train or heldout");
    }
    e.rendering = Render(item, signals);
    // Mail (the SpamAssassin corpus) is no stream of one instance: years of
    // mailing lists whose every message links the lists' few domains. Counted
    // as campaigns, it taught the words model that a domain linked by other
    // accounts is ordinary.
    CampaignCounts counts;
    // Real text gathered from many places is no such stream either: it
    // says so ("stream": false), or it is in the real-text format.
    const bool real_text = !j.contains("item") && !j.contains("api");
    const bool outside = j.contains("stream") && j["stream"].is_boolean() && !j["stream"].get<bool>();
    const bool in_stream = item.type != "mail" && !real_text && !outside;
    if (in_stream) (void)campaigns.Observe(CampaignKeyOf(item, e.rendering), line_no, &counts);
    ApplyCampaign(counts, item.type, &e.rendering);
    e.type = item.type;
    e.spam = label == "spam";
    e.difficulty = str("difficulty");
    e.family = str("family");
    // The data set a real text comes from; an API line's "source" is where
    // its pattern was documented, not a data set to report by.
    if (real_text) e.source = str("source");
    const auto w = j.find("weight");
    e.weight = w != j.end() && w->is_number() && w->get<double>() > 0 ? w->get<double>() : 1;
    out->push_back(std::move(e));
  }
  return Status::Ok();
}

}  // namespace spamphibian::classify
