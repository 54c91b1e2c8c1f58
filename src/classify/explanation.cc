#include "classify/explanation.h"

#include <algorithm>
#include <array>

namespace spamphibian::classify {
namespace {

// One line per feature (text_rendering.h's kFeatureNames; a test holds the
// two lists together), "" for what says nothing by itself. `telling`: worth
// a moderator's attention whenever it pushes towards spam. A count or a
// share (links, digits, length) pushes a little on nearly every item, so it
// is told only through the signal that fires when it is high (below).
struct Description {
  std::string_view feature, text;
  bool telling;
};
constexpr Description kDescriptions[] = {
    {"links", "has links", false},
    {"link_density", "many links for its length", false},
    {"distinct_domains", "links several sites", false},
    {"offsite_links", "links outside this GitLab", false},
    {"nonreference_links", "links a site other than code hosts, docs and package indexes", false},
    {"shortener", "hides a link behind a URL shortener", true},
    {"messaging_link", "asks to be contacted on a messenger (WhatsApp, Telegram ...)", true},
    {"defanged_link", "writes a link in disguise (hxxp, [.], look-alike letters)", true},
    {"hidden_link", "hides a link (an empty anchor, invisible HTML)", true},
    {"punycode", "links a domain written in look-alike characters", true},
    {"download_link", "links a download: an archive, a program or a file-sharing host", true},
    {"markdown_link", "has a markdown link", false},
    {"html_link", "has an HTML link", false},
    {"phone", "gives a phone number", true},
    {"phone_obfuscated", "gives a phone number in disguise (circled or spaced digits, 8OO)", true},
    {"words", "its length", false},
    {"capitals", "many capital letters", false},
    {"digits", "many digits", false},
    {"emoji", "many emoji", false},
    {"non_ascii", "non-Latin letters", false},
    {"scripts", "mixes scripts", false},
    {"mixed_script_word", "a word mixing scripts (look-alike letters)", true},
    {"repeated_keyword", "repeats one keyword", false},
    {"exclamations", "exclamation marks", false},
    {"website", "a website on the profile", false},
    {"website_without_bio", "a website on the profile and no bio", true},
    {"bio_empty", "no bio", false},
    {"profile_fields", "how much of the profile is filled in", false},
    {"username_digits", "a username ending in digits", true},
    {"email_free", "a free-mail address", false},
    {"email_disposable", "a disposable e-mail address", true},
    {"email_corporate", "a company e-mail address", false},
    {"email_unknown", "the author's e-mail address is not known", false},
    {"email_matches_link", "links the site of its own e-mail domain", false},
    {"email_unconfirmed", "e-mail address not confirmed", true},
    {"age_known", "", false},
    {"age_lt1d", "an account less than a day old", true},
    {"age_lt7d", "an account less than a week old", true},
    {"age_lt30d", "an account less than a month old", true},
    {"age_gt1y", "an account over a year old", false},
    {"campaign_accounts", "nearly the same text from other accounts lately", true},
    {"domain_accounts", "the same link domain from other accounts lately", true},
    {"signup_accounts", "other accounts signed up alike within the hour", true},
    {"author_items", "the same account's other items of this type lately", true},
    {"author_repeats", "the same account posted nearly the same text again lately", true},
    {"type_user", "", false},
    {"type_project", "", false},
    {"type_group", "", false},
    {"type_issue", "", false},
    {"type_note", "", false},
    {"type_merge_request", "", false},
    {"type_wiki_page", "", false},
    {"type_snippet", "", false},
    {"type_mail", "", false},
};
static_assert(std::size(kDescriptions) == kFeatureCount, "a description for every feature");

// Signals that tell of spam by themselves, and the feature that says the
// same (one line for both).
constexpr std::pair<std::string_view, std::string_view> kTellingSignals[] = {
    {"sig_download_link", "download_link"},
    {"sig_shortener", "shortener"},
    {"sig_messaging_link", "messaging_link"},
    {"sig_defanged_link", "defanged_link"},
    {"sig_hidden_link", "hidden_link"},
    {"sig_punycode_domain", "punycode"},
    {"sig_phone_obfuscated", "phone_obfuscated"},
    {"sig_mixed_script_word", "mixed_script_word"},
    {"sig_repeated_keyword", "repeated_keyword"},
    {"sig_website_without_bio", "website_without_bio"},
    {"sig_disposable_email", "email_disposable"},
    {"sig_capitals", "capitals"},
    {"sig_emoji", "emoji"},
    {"sig_campaign_text", "campaign_accounts"},
    {"sig_campaign_domain", "domain_accounts"},
    {"sig_campaign_signup", "signup_accounts"},
    {"sig_author_flood", "author_items"},
    {"sig_author_repeats", "author_repeats"},
};

// The feature's row of kDescriptions; nullptr for a name that is not a feature.
const Description* DescriptionOf(std::string_view feature) {
  for (const Description& d : kDescriptions) {
    if (d.feature == feature) return &d;
  }
  return nullptr;
}

constexpr std::string_view kLogit = "fasttext_logit";
constexpr std::size_t kWordsShown = 4;

// A token as a reader would name it: a word, a linked domain, what a
// domain sells; "" for placeholders and signal tokens.
std::string_view Readable(std::string_view token) {
  if (token.starts_with("sig_") || token.starts_with("__") || token.starts_with("url_tld:")) return "";
  for (std::string_view prefix : {"url_domain:", "url_word:", "email_domain:"}) {
    if (token.starts_with(prefix)) return token.substr(prefix.size());
  }
  return token;
}

std::string WordsLine(const std::vector<std::pair<std::string, double>>& top_tokens) {
  std::string words;
  std::size_t shown = 0;
  for (const auto& [token, weight] : top_tokens) {
    const std::string_view w = Readable(token);
    if (weight <= 0 || w.empty() || shown == kWordsShown) continue;
    words += shown++ == 0 ? " " : ", ";
    words += '\'';
    words += w;
    words += '\'';
  }
  return shown == 0 ? "its words lean towards spam" : "its words lean towards spam:" + words;
}

}  // namespace

std::string_view FeatureDescription(std::string_view feature) {
  const Description* d = DescriptionOf(feature);
  return d ? d->text : "";
}

std::vector<std::string> Explain(const std::vector<std::string>& signals,
                                 const std::vector<std::pair<std::string, double>>& top_features,
                                 const std::vector<std::pair<std::string, double>>& top_tokens, std::size_t max_lines) {
  std::vector<std::string> lines;
  const auto add = [&](std::string line) {
    if (!line.empty() && lines.size() < max_lines && std::find(lines.begin(), lines.end(), line) == lines.end()) {
      lines.push_back(std::move(line));
    }
  };
  for (const auto& [feature, weight] : top_features) {
    if (weight <= 0) continue;
    // The words model's input, alone or per item type ("fasttext_logit*type_note").
    if (feature.starts_with(kLogit)) {
      add(WordsLine(top_tokens));
      continue;
    }
    // The account's age buckets overlap (a day old is also under a week
    // and a month): the narrowest one the item is in says it.
    std::string_view name = feature;
    if (name.starts_with("age_lt")) {
      for (std::string_view bucket : {"age_lt1d", "age_lt7d", "age_lt30d"}) {
        if (std::find(signals.begin(), signals.end(), "sig_" + std::string(bucket)) != signals.end()) {
          name = bucket;
          break;
        }
      }
    }
    if (const Description* d = DescriptionOf(name); d && d->telling) add(std::string(d->text));
  }
  // A words model alone (a plain fastText file) has no features to name.
  const bool pushed = std::any_of(top_tokens.begin(), top_tokens.end(), [](const auto& t) { return t.second > 0; });
  if (top_features.empty() && pushed) add(WordsLine(top_tokens));
  for (const auto& [signal, feature] : kTellingSignals) {
    if (std::find(signals.begin(), signals.end(), signal) != signals.end()) {
      add(std::string(FeatureDescription(feature)));
    }
  }
  return lines;
}

}  // namespace spamphibian::classify
