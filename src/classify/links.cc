#include "classify/links.h"

#include <libpsl.h>
#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <set>
#include <utility>

#include "text/utf8.h"
#include "text/ascii.h"

namespace spamphibian::classify {
namespace {

bool Invisible(char32_t cp) {
  return (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x2060 && cp <= 0x2064) || cp == 0xFEFF || cp == 0x00AD ||
         cp == 0x180E || cp == 0x034F;
}

// Characters that stand for an ASCII letter or digit whatever the script
// around them: fullwidth forms, mathematical alphanumerics, circled digits.
char32_t AsciiForm(char32_t cp) {
  if (cp >= 0xFF01 && cp <= 0xFF5E) return cp - 0xFEE0;
  if (cp >= 0x2460 && cp <= 0x2468) return U'1' + (cp - 0x2460);
  if (cp >= 0x2474 && cp <= 0x247C) return U'1' + (cp - 0x2474);
  if (cp >= 0x2776 && cp <= 0x277E) return U'1' + (cp - 0x2776);
  if (cp >= 0x2780 && cp <= 0x2788) return U'1' + (cp - 0x2780);
  if (cp >= 0x278A && cp <= 0x2792) return U'1' + (cp - 0x278A);
  if (cp == 0x24EA || cp == 0x24FF) return U'0';
  if (cp >= 0x1D400 && cp <= 0x1D6A3) {
    const char32_t k = (cp - 0x1D400) % 52;
    return k < 26 ? U'A' + k : U'a' + (k - 26);
  }
  if (cp >= 0x1D7CE && cp <= 0x1D7FF) return U'0' + (cp - 0x1D7CE) % 10;
  return 0;
}

// Cyrillic and Greek letters that look like Latin ones; mapped only inside
// a word that also has Latin letters (a Russian word stays Russian).
char32_t LatinLookAlike(char32_t cp) {
  static constexpr std::pair<char32_t, char> kTable[] = {
      {0x0430, 'a'}, {0x0435, 'e'}, {0x043E, 'o'}, {0x0440, 'p'}, {0x0441, 'c'}, {0x0443, 'y'}, {0x0445, 'x'},
      {0x0456, 'i'}, {0x0458, 'j'}, {0x0455, 's'}, {0x0501, 'd'}, {0x0261, 'g'}, {0x04BB, 'h'}, {0x0410, 'A'},
      {0x0412, 'B'}, {0x0415, 'E'}, {0x041A, 'K'}, {0x041C, 'M'}, {0x041D, 'H'}, {0x041E, 'O'}, {0x0420, 'P'},
      {0x0421, 'C'}, {0x0422, 'T'}, {0x0425, 'X'}, {0x03BF, 'o'}, {0x03B1, 'a'}, {0x03BD, 'v'}, {0x03C1, 'p'},
      {0x039F, 'O'}, {0x0391, 'A'}, {0x0392, 'B'}, {0x0395, 'E'}, {0x039A, 'K'}, {0x039C, 'M'}, {0x039D, 'N'},
      {0x03A4, 'T'}, {0x0399, 'I'}, {0x0406, 'I'}, {0x0405, 'S'},
  };
  for (const auto& [from, to] : kTable) {
    if (from == cp) return static_cast<char32_t>(to);
  }
  return 0;
}

bool IsLetterOrDigit(char32_t cp) { return cp > 0x7F || std::isalnum(static_cast<int>(cp)); }

// --- patterns --------------------------------------------------------------

const RE2& DefangScheme() {
  static const RE2 re(R"((?i)\bh(?:xx|tt|\*\*|XX)p(s?)\s*(?:\[:\]|\(:\)|:)\s*//)");
  return re;
}
const RE2& DefangDot() {
  static const RE2 re(R"((?i)\s*(?:\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|\{dot\}|<dot>)\s*)");
  return re;
}
const RE2& SpelledDot() {
  static const RE2 re(R"((?i)\b([a-z0-9-]{2,})\s+dot\s+(com|net|org|info|biz|xyz|top|club|online|site|shop|vip|bet|io|co)\b)");
  return re;
}
const RE2& UrlPattern() {
  static const RE2 re(R"((?i)\b((?:https?|ftp)://[^\s<>"'`\)\]\}|\\]+|www\.[a-z0-9-]+(?:\.[a-z0-9-]+)+[^\s<>"'`\)\]\}|\\]*))");
  return re;
}
// A bare lower-case domain under a TLD that is rarely a file extension or a
// member access in code (README.md, self.name and main.cc are not links).
const RE2& BareDomainPattern() {
  static const RE2 re(
      R"((?:^|[^@/\w.-])((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:com|net|org|info|biz|io|co|xyz|top|club|online|vip|bet|casino|click|pro|icu|buzz|ru|de|uk|fr|es|nl|br|vn|cn|tk|ml|pw|su|ua|tr|ae|jp|kr|au|ca|us|eu|asia|mobi|ninja|shop|store|site|website|live|fun|win|loan|health|pharmacy|games|tv|ws|me))\b(?:[^\w.-]|$))");
  return re;
}
// A bare host under any TLD with a path: what a shortener's or a
// messenger's link is when written without a scheme ("bit.ly/abc",
// "s.id/xyz"), where the TLD list above would miss .ly, .id, .gd ... Kept
// only for those hosts (Collect): "main.cc/" or "setup.py/" is no link.
const RE2& BareHostWithPath() {
  static const RE2 re(R"((?i)(?:^|[^@/\w.-])((?:[a-z0-9-]+\.)+[a-z]{2,6}/[^\s<>"'`\)\]\}|\\]*))");
  return re;
}
const RE2& EmptyAnchor() {
  static const RE2 re(R"(\[\s*\]\(\s*([^)\s]+))");
  return re;
}
const RE2& HidingStyle() {
  static const RE2 re(
      R"((?i)style\s*=\s*["'][^"']*(?:font-size\s*:\s*0(?:px|pt|em)?\s*[;"']|display\s*:\s*none|visibility\s*:\s*hidden|opacity\s*:\s*0(?:\.0+)?\s*[;"']|(?:left|top|text-indent|margin-left)\s*:\s*-\d{3,}))");
  return re;
}
const RE2& ClosingBlock() {
  static const RE2 re(R"((?i)(</(?:div|span|p|section|font)>))");
  return re;
}


std::string UrlHost(std::string_view url) {
  std::string_view rest = url;
  if (const auto scheme = rest.find("://"); scheme != std::string_view::npos) rest = rest.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (const auto at = rest.rfind('@'); at != std::string_view::npos) rest = rest.substr(at + 1);
  rest = rest.substr(0, rest.find(':'));
  std::string host = text::AsciiLower(rest);
  while (!host.empty() && (host.back() == '.' || host.back() == ',' || host.back() == ';')) host.pop_back();
  return host;
}

const psl_ctx_t* PublicSuffixList() {
  // The system's list (Debian's publicsuffix package), else libpsl's
  // built-in copy. Immutable once loaded, shared by every thread.
  static const psl_ctx_t* psl = [] {
    const psl_ctx_t* p = psl_latest(nullptr);
    return p != nullptr ? p : psl_builtin();
  }();
  return psl;
}

bool Among(std::string_view name, std::initializer_list<std::string_view> list) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

// A link as Collect() finds it, before it is named (see ExtractLinks).
struct Found {
  std::string host;
  bool download = false;
};

void Collect(std::string_view text, std::set<std::string>* hosts, std::vector<Found>* found, std::size_t max_links) {
  auto add = [&](const std::string& url) {
    std::string host = UrlHost(url);
    if (host.empty() || host.find('.') == std::string::npos || found->size() >= max_links) return;
    hosts->insert(host);
    found->push_back(Found{std::move(host), IsDownloadUrl(url)});
  };
  re2::StringPiece rest(text.data(), text.size());
  std::string url;
  while (RE2::FindAndConsume(&rest, UrlPattern(), &url)) add(url);
  rest = re2::StringPiece(text.data(), text.size());
  while (RE2::FindAndConsume(&rest, BareDomainPattern(), &url)) {
    if (hosts->count(UrlHost(url)) == 0) add(url);
  }
  if (text.find('/') == std::string_view::npos) return;
  rest = re2::StringPiece(text.data(), text.size());
  while (RE2::FindAndConsume(&rest, BareHostWithPath(), &url)) {
    const std::string host = UrlHost(url);
    if (hosts->count(host) > 0) continue;
    const std::string domain = RegistrableDomain(host);
    if (IsShortenerDomain(domain) || IsMessengerDomain(domain)) add(url);
  }
}

const RE2& DefangMarker() {
  // Anything the defanging patterns below could match starts with one of these.
  static const RE2 re(R"((?i)xxp|\*\*p|[\[\(\{<]|\sdot\s)");
  return re;
}

}  // namespace

std::string Skeleton(std::string_view text) {
  // Most text is plain ASCII with nothing defanged: a copy and one scan.
  const bool ascii = std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (ascii && !RE2::PartialMatch(text, DefangMarker())) return std::string(text);
  // Code points, with look-alikes of ASCII resolved.
  std::vector<char32_t> cps;
  cps.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    char32_t cp = text::NextCodePoint(text, &i);
    if (Invisible(cp)) continue;
    if (char32_t a = AsciiForm(cp)) cp = a;
    cps.push_back(cp);
  }
  // Cyrillic/Greek look-alikes inside words that have Latin letters too.
  for (std::size_t start = 0; start < cps.size();) {
    std::size_t end = start;
    bool latin = false, lookalike = false;
    while (end < cps.size() && (IsLetterOrDigit(cps[end]) || cps[end] == '.' || cps[end] == '-')) {
      latin = latin || (cps[end] < 0x80 && std::isalpha(static_cast<int>(cps[end])));
      lookalike = lookalike || LatinLookAlike(cps[end]) != 0;
      ++end;
    }
    if (latin && lookalike) {
      for (std::size_t k = start; k < end; ++k) {
        if (char32_t a = LatinLookAlike(cps[k])) cps[k] = a;
      }
    }
    start = end == start ? start + 1 : end;
  }
  std::string out;
  out.reserve(text.size());
  for (char32_t cp : cps) text::AppendCodePoint(cp, &out);
  RE2::GlobalReplace(&out, DefangScheme(), "http\\1://");
  RE2::GlobalReplace(&out, DefangDot(), ".");
  RE2::GlobalReplace(&out, SpelledDot(), "\\1.\\2");
  return out;
}

std::string HostOf(std::string_view url) { return UrlHost(url); }

std::string RegistrableDomain(std::string_view host) {
  const std::string h(host);
  const char* d = psl_registrable_domain(PublicSuffixList(), h.c_str());
  return d != nullptr ? std::string(d) : h;
}

bool SameSite(std::string_view host, std::string_view instance) {
  if (instance.empty()) return false;
  return host == instance || (host.size() > instance.size() && host.ends_with(instance) &&
                              host[host.size() - instance.size() - 1] == '.');
}

std::vector<Link> ExtractLinks(std::string_view text, std::size_t max_links) {
  return ExtractLinks(text, Skeleton(text), max_links);
}

std::vector<Link> ExtractLinks(std::string_view text, std::string_view skel, std::size_t max_links) {
  std::set<std::string> raw_hosts, all_hosts;
  std::vector<Found> raw, skeleton;
  Collect(text, &raw_hosts, &raw, max_links);
  all_hosts = raw_hosts;
  if (skel != text) Collect(skel, &all_hosts, &skeleton, max_links);

  // Hosts of links nobody sees: behind an empty anchor, or inside an
  // element styled invisible (up to its closing tag).
  std::set<std::string> hidden;
  re2::StringPiece rest(text.data(), text.size());
  std::string target;
  // Each scan only where its pattern could match at all.
  if (text.find("](") != std::string_view::npos) {
    while (RE2::FindAndConsume(&rest, EmptyAnchor(), &target)) hidden.insert(UrlHost(target));
  }
  rest = re2::StringPiece(text.data(), text.size());
  const bool styled = text.find("tyle") != std::string_view::npos || text.find("TYLE") != std::string_view::npos;
  while (styled && RE2::FindAndConsume(&rest, HidingStyle())) {
    re2::StringPiece block = rest.substr(0, 2000);
    re2::StringPiece close;
    if (RE2::PartialMatch(block, ClosingBlock(), &close)) {
      block = block.substr(0, static_cast<std::size_t>(close.data() - block.data()));
    }
    std::set<std::string> inside;
    std::vector<Found> links;
    Collect(std::string_view(block.data(), block.size()), &inside, &links, max_links);
    hidden.insert(inside.begin(), inside.end());
  }

  std::vector<Link> out;
  std::set<std::string> defanged_seen;
  auto make = [&](const Found& found, bool defanged) {
    const std::string& host = found.host;
    Link l;
    l.host = host;
    l.domain = RegistrableDomain(host);
    const auto dot = l.domain.rfind('.');
    l.tld = dot == std::string::npos ? l.domain : l.domain.substr(dot + 1);
    l.defanged = defanged;
    l.hidden = hidden.count(host) > 0;
    l.shortener = IsShortenerDomain(l.domain);
    l.messaging = IsMessengerDomain(l.domain) || host == "chat.whatsapp.com" || host == "api.whatsapp.com";
    l.punycode = host.find("xn--") != std::string::npos ||
                 std::any_of(host.begin(), host.end(), [](unsigned char c) { return c >= 0x80; });
    l.download = found.download || IsFileHostDomain(l.domain);
    return l;
  };
  for (const Found& f : raw) out.push_back(make(f, false));
  for (const Found& f : skeleton) {
    if (raw_hosts.count(f.host) == 0 && out.size() < max_links) out.push_back(make(f, true));
  }
  return out;
}

bool IsShortenerDomain(std::string_view domain) {
  return Among(domain, {"bit.ly", "tinyurl.com", "t.co", "goo.gl", "ow.ly", "is.gd", "buff.ly", "rebrand.ly",
                        "cutt.ly", "shorturl.at", "t.ly", "rb.gy", "s.id", "tiny.cc", "bitly.com", "v.gd",
                        "shorte.st", "adf.ly", "linktr.ee", "tiny.one", "lnkd.in"});
}

bool IsReferenceDomain(std::string_view domain) {
  // Sorted, for binary search and for a reader looking something up.
  static constexpr std::string_view kReference[] = {
      "alpinelinux.org", "anaconda.org", "android.com", "angular.io", "apache.org", "apple.com", "archlinux.org",
      "artifacthub.io", "askubuntu.com", "atlassian.com", "bitbucket.org", "centos.org", "circleci.com", "cncf.io",
      "codeberg.org", "codecov.io", "cppreference.com", "crates.io", "debian.org", "djangoproject.com", "docker.com",
      "docker.io", "docs.rs", "example.com", "example.net", "example.org", "f-droid.org", "fedoraproject.org",
      "flathub.org", "freebsd.org", "freedesktop.org", "ghcr.io", "gitea.com", "github.com", "githubusercontent.com",
      "gitlab.com", "gnome.org", "gnu.org", "go.dev", "godbolt.org", "golang.org", "googlesource.com", "grafana.com",
      "hashicorp.com", "haskell.org", "helm.sh", "iana.org", "ietf.org", "isocpp.org", "jenkins.io", "jetbrains.com",
      "kde.org", "kernel.org", "kotlinlang.org", "kubernetes.io", "launchpad.net", "llvm.org", "localhost",
      "man7.org", "mariadb.org", "maven.org", "metacpan.org", "microsoft.com", "mozilla.org", "mvnrepository.com",
      "mysql.com", "nginx.org", "nist.gov", "nodejs.org", "npmjs.com", "npmjs.org", "nuget.org", "openbsd.org",
      "openjdk.org", "opensource.org", "openssl.org", "opensuse.org", "oracle.com", "owasp.org", "packagist.org",
      "perl.org", "php.net", "postgresql.org", "prometheus.io", "pypi.org", "python.org", "pythonhosted.org",
      "quay.io", "react.dev", "readthedocs.io", "readthedocs.org", "redhat.com", "redis.io", "regex101.com",
      "rfc-editor.org", "ruby-lang.org", "rubygems.org", "rubyonrails.org", "rust-lang.org", "semver.org",
      "serverfault.com", "shields.io", "sourceforge.net", "spdx.org", "sphinx-doc.org", "spring.io", "sqlite.org",
      "stackexchange.com", "stackoverflow.com", "superuser.com", "swift.org", "terraform.io", "typescriptlang.org",
      "ubuntu.com", "unicode.org", "vuejs.org", "w3.org", "whatwg.org", "wikipedia.org"};
  static_assert(std::is_sorted(std::begin(kReference), std::end(kReference)));
  return std::binary_search(std::begin(kReference), std::end(kReference), domain);
}

bool IsCommonDomain(std::string_view domain) {
  return IsReferenceDomain(domain) ||
         Among(domain, {"amazon.com", "amazonaws.com", "cloudflare.com", "discord.com", "discord.gg", "dropbox.com",
                        "github.io", "google.com", "gstatic.com", "linkedin.com", "medium.com", "reddit.com",
                        "twitter.com", "x.com", "youtube.com"});
}

bool IsFileHostDomain(std::string_view domain) {
  return Among(domain, {"mediafire.com", "mega.nz", "mega.io", "gofile.io", "pixeldrain.com", "catbox.moe",
                        "anonfiles.com", "sendspace.com", "4shared.com", "zippyshare.com", "uploadhaven.com",
                        "krakenfiles.com", "workupload.com", "file.io", "transfer.sh", "uploadrar.com", "usersdrive.com",
                        "dropmefiles.com", "bayfiles.com", "letsupload.io", "upload.ee", "filemail.com", "ufile.io"});
}

bool IsDownloadUrl(std::string_view url) {
  // The path's last segment, without query or fragment.
  const auto scheme = url.find("://");
  const std::string_view rest = scheme == std::string_view::npos ? url : url.substr(scheme + 3);
  const auto slash = rest.find('/');
  if (slash == std::string_view::npos) return false;
  std::string_view path = rest.substr(slash);
  path = path.substr(0, path.find_first_of("?#"));
  while (!path.empty() && std::string_view(".,;:!").find(path.back()) != std::string_view::npos) {
    path.remove_suffix(1);  // the sentence's end, not the name's
  }
  const auto dot = path.rfind('.');
  if (dot == std::string_view::npos || path.find('/', dot) != std::string_view::npos) return false;
  const std::string ext = text::AsciiLower(path.substr(dot + 1));
  return Among(ext, {"zip", "rar", "7z", "exe", "msi", "apk", "dmg", "scr", "bat", "cmd", "vbs", "jar", "iso", "pkg",
                     "appimage", "xapk", "ps1", "lnk"});
}

bool IsMessengerDomain(std::string_view domain) {
  return Among(domain, {"wa.me", "t.me", "telegram.me", "whatsapp.com", "line.me", "wechat.com"});
}

}  // namespace spamphibian::classify
