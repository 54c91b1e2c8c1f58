// How an item looks to the model: one rendering, shared by serving,
// training and evaluation, so that the model sees at training time exactly
// what it sees in production.
//
// A rendering has three parts:
//  * `text`: the fastText line: signal tokens (sig_*), link domains
//    (url_domain:, url_tld:), the e-mail domain, then the words of the
//    item's text as a reader sees them (links.h Skeleton: look-alikes and
//    defanged links undone), lower-cased, links/e-mails/phones replaced by
//    placeholders;
//  * `features`: numbers for the combiner (kFeatureNames, in that order):
//    links and their kinds, text shape, the account, campaigns and floods
//    (campaigns.h ApplyCampaign);
//  * `signals`: the sig_* tokens that fired, for the decision's reasons;
//  * `language`: what it is written in, for moderators and the metrics.
//
// Thread-safe, no shared state.
#pragma once

#include <nlohmann/json.hpp>

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "gitlab/item.h"

namespace spamphibian::classify {

// What is known about the account and the item's context, beyond its text
// (from the trust stage).
struct ItemContext {
  double account_age_days = -1;  // when the item was made; < 0: unknown
  int email_confirmed = -1;      // 1, 0, -1 unknown
  bool disposable_email = false;
  std::string email_domain;      // "" unknown
  std::string instance_host;     // the GitLab host (links to it are not off-site); "" unknown

  // From the trust stage's signals object (account_age_days,
  // email_confirmed, email_known, disposable_email, email_domain,
  // instance_host); absent keys stay unknown.
  static ItemContext FromSignals(const nlohmann::json& signals);
};

inline constexpr std::string_view kFeatureNames[] = {
    "links", "link_density", "distinct_domains", "offsite_links", "nonreference_links", "shortener", "messaging_link",
    "defanged_link", "hidden_link", "punycode", "download_link", "markdown_link", "html_link", "phone", "phone_obfuscated", "words",
    "capitals", "digits", "emoji", "non_ascii", "scripts", "mixed_script_word", "repeated_keyword", "exclamations",
    "website", "website_without_bio", "bio_empty", "profile_fields", "username_digits", "email_free",
    "email_disposable", "email_corporate", "email_unknown", "email_matches_link", "email_unconfirmed",
    "age_known", "age_lt1d", "age_lt7d", "age_lt30d", "age_gt1y", "campaign_accounts", "domain_accounts",
    "signup_accounts", "author_items", "author_repeats",
    "type_user", "type_project", "type_group", "type_issue", "type_note", "type_merge_request", "type_wiki_page",
    "type_snippet", "type_mail"};
inline constexpr std::size_t kFeatureCount = std::size(kFeatureNames);
using FeatureVector = std::array<float, kFeatureCount>;

// A feature's place in kFeatureNames; kFeatureCount for an unknown name.
constexpr std::size_t FeatureIndex(std::string_view name) {
  for (std::size_t i = 0; i < kFeatureCount; ++i) {
    if (kFeatureNames[i] == name) return i;
  }
  return kFeatureCount;
}

// A feature's index, found when compiling: a misspelt name does not build
// (where FeatureIndex would give kFeatureCount, one past the vector).
consteval std::size_t CheckedFeatureIndex(std::string_view name) {
  const std::size_t i = FeatureIndex(name);
  if (i == kFeatureCount) throw "not a feature name";
  return i;
}

struct Rendering {
  std::vector<std::string> signals;       // sig_* tokens that fired, sorted
  std::string text;                       // the model's input line
  FeatureVector features{};               // in kFeatureNames order
  std::vector<std::string> link_domains;  // registrable domains linked, distinct, off-site only
  std::string words;                      // the words alone (for near-duplicate detection)
  // The language it is written in (language.h), "" when too short to tell.
  // For the people who read a decision; not an input of the model.
  std::string_view language;
};

Rendering Render(const gitlab::Item& item, const ItemContext& context);
// With the trust stage's signals object (ItemContext::FromSignals).
Rendering Render(const gitlab::Item& item, const nlohmann::json& signals);

// Whether a domain is a free mail provider's (gmail.com, outlook.com ...).
bool IsFreeMailDomain(std::string_view domain);

}  // namespace spamphibian::classify
