#include "classify/text_rendering.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>
#include <unordered_map>

#include "classify/domain_words.h"
#include "classify/language.h"
#include "classify/links.h"
#include "classify/text_shape.h"
#include "text/utf8.h"
#include "text/ascii.h"

namespace spamphibian::classify {
namespace {

// Compiled once; RE2 objects are thread-safe for matching.
const RE2& UrlPattern() {
  static const RE2 re(R"((?i)\b(?:(?:https?|ftp)://|www\.)[^\s<>"'`)\]}]+)");
  return re;
}
const RE2& EmailPattern() {
  static const RE2 re(R"([A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})");
  return re;
}
const RE2& HtmlLink() {
  static const RE2 re(R"((?i)<a\s)");
  return re;
}
const RE2& PhonePattern() {
  static const RE2 re(R"(\+?\d[\d\s().~-]{6,}\d)");
  return re;
}

constexpr std::size_t kMaxWords = 2000;  // enough to judge; bounds the cost of a 64 KiB snippet

consteval std::size_t F(std::string_view name) { return CheckedFeatureIndex(name); }


// Whether a character is Han, kana or Thai.
bool IsUnspacedScript(char32_t cp) {
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x3040 && cp <= 0x30FF) ||
         (cp >= 0x0E00 && cp <= 0x0E7F);
}

// Words of `skeleton` (links, e-mails and phone numbers as placeholders).
std::vector<std::string> Words(std::string text, bool has_links) {
  // Each replacement only where it could match at all.
  if (has_links) RE2::GlobalReplace(&text, UrlPattern(), " __url__ ");
  if (text.find('@') != std::string::npos) RE2::GlobalReplace(&text, EmailPattern(), " __email__ ");
  if (std::count_if(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }) >= 8) {
    RE2::GlobalReplace(&text, PhonePattern(), " __phone__ ");
  }
  std::vector<std::string> words;
  std::string word;
  auto flush = [&] {
    if (!word.empty() && words.size() < kMaxWords) words.push_back(text::AsciiLower(word));
    word.clear();
  };
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t start = i;
    const char32_t cp = text::NextCodePoint(text, &i);
    // Chinese, Japanese and Thai put no spaces between words: each of their
    // characters is a token (the model's word bigrams pair them up), or a
    // whole sentence would be one unseen "word".
    if (IsUnspacedScript(cp)) {
      flush();
      word.assign(text, start, i - start);
      flush();
      continue;
    }
    if (cp >= 0x80 || std::isalnum(static_cast<int>(cp)) || cp == '_') {
      word.append(text, start, i - start);
    } else {
      flush();
    }
  }
  flush();
  return words;
}

const char* AgeBucket(double days) {
  if (days < 0) return "sig_age_unknown";
  if (days < 1) return "sig_age_lt1d";
  if (days < 7) return "sig_age_lt7d";
  if (days < 30) return "sig_age_lt30d";
  if (days < 365) return "sig_age_lt1y";
  return "sig_age_old";
}

const char* LinkBucket(std::size_t links) {
  if (links == 0) return "sig_links_0";
  if (links == 1) return "sig_links_1";
  if (links <= 3) return "sig_links_2_3";
  return "sig_links_4plus";
}

}  // namespace

bool IsFreeMailDomain(std::string_view domain) {
  static const std::set<std::string, std::less<>> kFree = {
      "gmail.com",   "googlemail.com", "yahoo.com",   "ymail.com",    "outlook.com", "hotmail.com",  "live.com",
      "msn.com",     "icloud.com",     "me.com",      "aol.com",      "mail.com",    "gmx.com",      "gmx.de",
      "gmx.net",     "web.de",         "yandex.ru",   "yandex.com",   "mail.ru",     "bk.ru",        "inbox.ru",
      "list.ru",     "rambler.ru",     "proton.me",   "protonmail.com", "pm.me",     "tutanota.com", "zoho.com",
      "qq.com",      "163.com",        "126.com",     "sina.com",     "naver.com",   "hanmail.net",  "yahoo.co.jp",
      "yahoo.co.uk", "hotmail.co.uk",  "outlook.fr",  "hotmail.fr",   "orange.fr",   "free.fr",      "laposte.net",
      "libero.it",   "t-online.de",    "posteo.de",   "fastmail.com", "hey.com",     "rediffmail.com", "uol.com.br",
      "bol.com.br",  "terra.com.br",   "yahoo.com.br", "yahoo.co.id", "yahoo.com.vn", "seznam.cz",  "wp.pl",
      "o2.pl",       "interia.pl",     "ukr.net",     "abv.bg",       "gmx.at",      "bluewin.ch",   "comcast.net",
      "att.net",     "verizon.net",    "duck.com"};
  return kFree.count(domain) > 0;
}

ItemContext ItemContext::FromSignals(const nlohmann::json& sig) {
  ItemContext c;
  if (!sig.is_object()) return c;
  auto num = [&](const char* key, double fallback) {
    auto it = sig.find(key);
    return it != sig.end() && it->is_number() ? it->get<double>() : fallback;
  };
  auto flag = [&](const char* key) {
    auto it = sig.find(key);
    return it != sig.end() && it->is_boolean() ? (it->get<bool>() ? 1 : 0) : -1;
  };
  auto str = [&](const char* key) {
    auto it = sig.find(key);
    return it != sig.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  c.account_age_days = num("account_age_days", -1);
  c.email_confirmed = flag("email_confirmed");
  c.disposable_email = flag("disposable_email") == 1;
  if (flag("email_known") != 0) c.email_domain = text::AsciiLower(str("email_domain"));
  c.instance_host = text::AsciiLower(str("instance_host"));
  return c;
}

Rendering Render(const gitlab::Item& item, const nlohmann::json& signals) {
  return Render(item, ItemContext::FromSignals(signals));
}

Rendering Render(const gitlab::Item& item, const ItemContext& ctx) {
  Rendering r;
  FeatureVector& f = r.features;
  const auto set = [&f](std::size_t i, double value) { f[i] = static_cast<float>(value); };
  std::vector<std::string>& sig = r.signals;

  // All of the item's text, one field a line.
  std::string all;
  for (const auto& [field, value] : item.text) {
    all += value;
    all += '\n';
  }
  const std::string skeleton = Skeleton(all);
  const std::vector<Link> links = ExtractLinks(all, skeleton);
  const TextShape shape = ShapeOf(all, skeleton);
  std::vector<std::string> words = Words(skeleton, !links.empty() || skeleton.find("://") != std::string::npos);
  r.language = LanguageOf(words);

  // Links.
  const std::string instance = ctx.instance_host.empty() ? HostOf(item.web_url) : ctx.instance_host;
  std::set<std::string> domains, tlds;
  // Off-site links to a site of the poster's choosing rather than to where
  // developers send each other (links.h's IsReferenceDomain): the link a
  // spammer comes to post, and the one an ordinary comment seldom has.
  std::size_t offsite = 0, nonreference = 0;
  bool shortener = false, messaging = false, defanged = false, hidden = false, punycode = false, download = false;
  for (const Link& l : links) {
    shortener |= l.shortener;
    messaging |= l.messaging;
    defanged |= l.defanged;
    hidden |= l.hidden;
    punycode |= l.punycode;
    download |= l.download;
    if (SameSite(l.host, instance)) continue;
    ++offsite;
    if (!IsReferenceDomain(l.domain)) ++nonreference;
    if (domains.insert(l.domain).second) r.link_domains.push_back(l.domain);
    tlds.insert(l.tld);
  }
  // "Telegram @handle" asks what a t.me link asks.
  messaging |= shape.messenger_contact;
  const double n_words = static_cast<double>(std::max<std::size_t>(words.size(), 1));
  set(F("links"), std::log1p(static_cast<double>(links.size())));
  set(F("link_density"), std::min(5.0, 10.0 * static_cast<double>(links.size()) / n_words));
  set(F("distinct_domains"), std::log1p(static_cast<double>(domains.size())));
  set(F("offsite_links"), std::log1p(static_cast<double>(offsite)));
  set(F("nonreference_links"), std::log1p(static_cast<double>(nonreference)));
  set(F("shortener"), shortener);
  set(F("messaging_link"), messaging);
  set(F("defanged_link"), defanged);
  set(F("hidden_link"), hidden);
  set(F("punycode"), punycode);
  set(F("download_link"), download);
  sig.push_back(LinkBucket(links.size()));
  if (nonreference > 0) sig.push_back("sig_nonreference_link");
  if (shortener) sig.push_back("sig_shortener");
  if (messaging) sig.push_back("sig_messaging_link");
  if (defanged) sig.push_back("sig_defanged_link");
  if (hidden) sig.push_back("sig_hidden_link");
  if (punycode) sig.push_back("sig_punycode_domain");
  if (download) sig.push_back("sig_download_link");
  const bool markdown = all.find("](") != std::string::npos;
  const bool html = RE2::PartialMatch(all, HtmlLink());
  set(F("markdown_link"), markdown);
  set(F("html_link"), html);
  if (markdown) sig.push_back("sig_markdown_link");
  if (html) sig.push_back("sig_html_link");

  // Text shape.
  const double letters = std::max(shape.letters, 1);
  set(F("phone"), shape.phone || shape.phone_obfuscated);
  set(F("phone_obfuscated"), shape.phone_obfuscated);
  set(F("words"), std::log1p(static_cast<double>(words.size())));
  set(F("capitals"), shape.capitals / letters);
  set(F("digits"), shape.digits / (letters + shape.digits));
  set(F("emoji"), std::min(1.0, 10.0 * shape.emoji / n_words));
  set(F("non_ascii"), shape.non_ascii_letters / letters);
  set(F("scripts"), std::max(0, shape.scripts - 1));
  set(F("mixed_script_word"), shape.mixed_script_word);
  set(F("exclamations"), std::log1p(shape.exclamations));
  if (shape.phone || shape.phone_obfuscated) sig.push_back("sig_phone");
  if (shape.phone_obfuscated) sig.push_back("sig_phone_obfuscated");
  if (shape.scripts > 1) sig.push_back("sig_script_mix");
  if (shape.mixed_script_word) sig.push_back("sig_mixed_script_word");
  if (shape.letters >= 20 && shape.capitals / letters > 0.5) sig.push_back("sig_capitals");
  if (shape.emoji >= 3) sig.push_back("sig_emoji");
  sig.push_back(std::string("sig_script_") + shape.main_script);
  if (words.empty()) sig.push_back("sig_no_text");
  if (words.size() >= 8) {
    std::unordered_map<std::string_view, int> counts;
    int top = 0;
    for (const auto& w : words) {
      if (w.size() >= 4 && !w.starts_with("__")) top = std::max(top, ++counts[w]);
    }
    const double share = top / n_words;
    set(F("repeated_keyword"), share);
    if (top >= 4 && share >= 0.08) sig.push_back("sig_repeated_keyword");
  }

  // The account.
  if (item.type == "user") {
    const bool website = !item.Text("website_url").empty();
    const bool bio = !item.Text("bio").empty();
    int filled = 0;
    for (const char* f : {"bio", "location", "organization", "job_title", "website_url", "linkedin", "twitter", "skype",
                          "discord", "github"}) {
      filled += item.Text(f).empty() ? 0 : 1;
    }
    set(F("website"), website);
    set(F("website_without_bio"), website && !bio);
    set(F("bio_empty"), !bio);
    set(F("profile_fields"), filled / 10.0);
    if (website) sig.push_back("sig_website_url");
    if (website && !bio) sig.push_back("sig_website_without_bio");
  }
  const std::string_view username = item.author.username;
  int trailing_digits = 0;
  for (auto it = username.rbegin(); it != username.rend() && std::isdigit(static_cast<unsigned char>(*it)); ++it) {
    ++trailing_digits;
  }
  set(F("username_digits"), trailing_digits >= 2);
  if (trailing_digits >= 2) sig.push_back("sig_username_digits");
  const std::string& email_domain = ctx.email_domain;
  if (email_domain.empty()) {
    set(F("email_unknown"), 1);
  } else if (ctx.disposable_email) {
    set(F("email_disposable"), 1);
    sig.push_back("sig_disposable_email");
  } else if (IsFreeMailDomain(email_domain)) {
    set(F("email_free"), 1);
    sig.push_back("sig_email_free");
  } else {
    set(F("email_corporate"), 1);
    sig.push_back("sig_email_corporate");
    const std::string registrable = RegistrableDomain(email_domain);
    if (domains.count(registrable) > 0) {
      set(F("email_matches_link"), 1);
      sig.push_back("sig_email_matches_link");
    }
  }
  if (ctx.email_confirmed == 0) {
    set(F("email_unconfirmed"), 1);
    sig.push_back("sig_email_unconfirmed");
  }
  const double age = ctx.account_age_days;
  set(F("age_known"), age >= 0);
  set(F("age_lt1d"), age >= 0 && age < 1);
  set(F("age_lt7d"), age >= 0 && age < 7);
  set(F("age_lt30d"), age >= 0 && age < 30);
  set(F("age_gt1y"), age >= 365);
  if (age >= 0) sig.push_back(AgeBucket(age));

  if (const std::size_t type = FeatureIndex("type_" + item.type); type < kFeatureCount) set(type, 1);
  sig.push_back("sig_type_" + item.type);

  std::sort(sig.begin(), sig.end());
  sig.erase(std::unique(sig.begin(), sig.end()), sig.end());

  // The fastText line: signals, link domains, e-mail domain, words.
  std::string& text = r.text;
  text.reserve(all.size() + 256);
  for (const auto& s : sig) text += s + ' ';
  for (const auto& d : domains) {
    text += "url_domain:" + d + ' ';
    for (const std::string_view w : DomainWords(d)) text.append("url_word:").append(w).append(1, ' ');
  }
  for (const auto& t : tlds) text += "url_tld:" + t + ' ';
  if (!email_domain.empty()) text += "email_domain:" + email_domain + ' ';
  for (const auto& w : words) {
    r.words += w;
    r.words += ' ';
    text += w;
    text += ' ';
  }
  if (!text.empty()) text.pop_back();
  if (!r.words.empty()) r.words.pop_back();
  return r;
}

}  // namespace spamphibian::classify
