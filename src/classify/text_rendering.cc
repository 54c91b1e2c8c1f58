#include "classify/text_rendering.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>

namespace spamphibian::classify {
namespace {

// Compiled once; RE2 objects are thread-safe for matching.
const RE2& UrlPattern() {
  static const RE2 re(R"((?i)\b((?:https?://|www\.)[^\s<>"')\]]+))");
  return re;
}
const RE2& DomainPattern() {
  static const RE2 re(R"((?i)^(?:https?://)?(?:www\.)?([a-z0-9.-]+\.[a-z]{2,}))");
  return re;
}
const RE2& PhonePattern() {
  static const RE2 re(R"((\+?\d[\d\s().-]{6,}\d))");
  return re;
}
const RE2& EmailPattern() {
  static const RE2 re(R"([A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})");
  return re;
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string AgeBucket(double days) {
  if (days < 0) return "sig_age_unknown";
  if (days < 1) return "sig_age_lt1d";
  if (days < 7) return "sig_age_lt7d";
  if (days < 30) return "sig_age_lt30d";
  if (days < 365) return "sig_age_lt1y";
  return "sig_age_old";
}

std::string LinkBucket(int links) {
  if (links == 0) return "sig_links_0";
  if (links == 1) return "sig_links_1";
  if (links <= 3) return "sig_links_2_3";
  return "sig_links_4plus";
}

}  // namespace

int Tokenize(const std::string& input, std::vector<std::string>* tokens, bool* saw_phone) {
  std::string text = input;
  int urls = 0;
  // URLs first: keep their domain and TLD, drop the rest.
  re2::StringPiece rest(text);
  std::string url;
  while (RE2::FindAndConsume(&rest, UrlPattern(), &url)) {
    ++urls;
    tokens->push_back("__url__");
    std::string domain;
    if (RE2::PartialMatch(url, DomainPattern(), &domain)) {
      domain = Lower(domain);
      tokens->push_back("url_domain:" + domain);
      tokens->push_back("url_tld:" + domain.substr(domain.rfind('.') + 1));
    }
  }
  RE2::GlobalReplace(&text, UrlPattern(), " ");
  if (RE2::GlobalReplace(&text, EmailPattern(), " __email__ ") > 0) {
    // placeholders are tokenised below like words
  }
  if (RE2::GlobalReplace(&text, PhonePattern(), " __phone__ ") > 0 && saw_phone != nullptr) *saw_phone = true;
  // Words: runs of letters/digits (any non-ASCII byte counts as a letter, so
  // UTF-8 words stay whole), lower-cased; the placeholders survive.
  std::string word;
  auto flush = [&] {
    if (!word.empty()) tokens->push_back(Lower(word));
    word.clear();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (std::isalnum(c) || c >= 0x80 || c == '_') {
      word += static_cast<char>(c);
    } else {
      flush();
    }
  }
  flush();
  return urls;
}

Rendering Render(const gitlab::Item& item, const nlohmann::json& sig) {
  Rendering r;
  std::vector<std::string> tokens;
  int links = 0;
  bool phone = false, ascii_letters = false, other_letters = false;
  for (const auto& [field, value] : item.text) {
    links += Tokenize(value, &tokens, &phone);
    for (unsigned char c : value) {
      if (std::isalpha(c)) ascii_letters = true;
      if (c >= 0xC0) other_letters = true;  // a UTF-8 lead byte: a non-ASCII character
    }
    if (value.find("](") != std::string::npos) r.signals.push_back("sig_markdown_link");
    if (Lower(value).find("<a href") != std::string::npos) r.signals.push_back("sig_html_link");
  }
  r.signals.push_back("sig_type_" + item.type);
  r.signals.push_back(LinkBucket(links));
  if (phone) r.signals.push_back("sig_phone");
  if (ascii_letters && other_letters) r.signals.push_back("sig_script_mix");
  if (tokens.empty()) r.signals.push_back("sig_no_text");
  if (item.type == "user") {
    const bool website = !item.Text("website_url").empty();
    if (website) r.signals.push_back("sig_website_url");
    if (website && item.Text("bio").empty()) r.signals.push_back("sig_website_without_bio");
  }
  if (sig.is_object()) {
    if (sig.value("disposable_email", false)) r.signals.push_back("sig_disposable_email");
    if (sig.contains("email_confirmed") && !sig.value("email_confirmed", true)) r.signals.push_back("sig_email_unconfirmed");
    if (sig.contains("account_age_days")) r.signals.push_back(AgeBucket(sig.value("account_age_days", -1.0)));
    const std::string domain = sig.value("email_domain", "");
    if (!domain.empty()) r.signals.push_back("email_domain:" + domain);
  }
  std::sort(r.signals.begin(), r.signals.end());
  r.signals.erase(std::unique(r.signals.begin(), r.signals.end()), r.signals.end());
  for (const auto& s : r.signals) r.text += s + " ";
  for (const auto& t : tokens) r.text += t + " ";
  if (!r.text.empty()) r.text.pop_back();
  return r;
}

}  // namespace spamphibian::classify
