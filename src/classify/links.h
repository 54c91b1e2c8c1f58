// Links as a spammer hides them and as a reader still follows them.
//
// Skeleton() undoes the disguises first: zero-width characters dropped,
// look-alike characters (fullwidth and mathematical letters and digits,
// circled digits, Cyrillic and Greek letters inside Latin words) mapped to
// ASCII, and defanged links re-armed (hxxps://, [.], (dot), [:]). Then
// ExtractLinks() finds URLs (with a scheme, www., or a bare domain under a
// web TLD), markdown and HTML links (noting the hidden ones: an empty
// anchor, font-size:0, display:none, off-screen, and the downloads: an
// archive or a program, or a file-sharing host), and names each host's
// registrable domain by the Public Suffix List (libpsl, the system's list).
//
// Pure functions, thread-safe; the list is loaded once, on first use.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace spamphibian::classify {

struct Link {
  std::string host;    // lower-cased; IDN hosts as written, punycode as is
  std::string domain;  // registrable domain (example.co.uk), or the host when the list knows none
  std::string tld;     // the public suffix's last label
  bool defanged = false;    // only found after Skeleton() (hxxp, [.], look-alikes ...)
  bool hidden = false;      // an empty anchor or an invisible HTML element
  bool shortener = false;   // bit.ly, t.co ...
  bool messaging = false;   // wa.me, t.me ...: "contact me on WhatsApp"
  bool punycode = false;    // an xn-- label or a non-ASCII host
  bool download = false;    // a file to unpack or run (.zip, .exe, .apk ...) or a file-sharing host
};

// `text` as a reader sees it (see above). Valid UTF-8 in, valid UTF-8 out.
std::string Skeleton(std::string_view text);

// Every link in `text` (raw, as written), at most `max_links`. `skeleton`
// is Skeleton(text), when the caller has it already.
std::vector<Link> ExtractLinks(std::string_view text, std::size_t max_links = 200);
std::vector<Link> ExtractLinks(std::string_view text, std::string_view skeleton, std::size_t max_links = 200);

// The registrable domain of `host` by the Public Suffix List; `host` itself
// when it has none (an IP address, a bare suffix, an unknown TLD).
std::string RegistrableDomain(std::string_view host);

// Registrable domains everybody's links go through (URL shorteners,
// messengers): what one of their links says is not about the domain.
bool IsShortenerDomain(std::string_view domain);
bool IsMessengerDomain(std::string_view domain);

// Registrable domains of the places developers send each other to: code
// hosts, Q&A, package indexes, the docs of languages, tools and operating
// systems, standards bodies. What an ordinary discussion links; spam links
// a site of its own choosing.
bool IsReferenceDomain(std::string_view domain);

// Reference domains and the big platforms (search, video, social, cloud):
// domains so many unrelated people link that a link to one says nothing
// about who posted it (campaigns.h does not count them).
bool IsCommonDomain(std::string_view domain);

// Hosts whose links are files to download (MediaFire, MEGA, GoFile ...):
// where "download the fix" comments keep their malware.
bool IsFileHostDomain(std::string_view domain);

// Whether a URL names a file that is unpacked or run: an archive, an
// installer, an executable or a script (not a source tarball: .tar.gz is
// what release pages and package indexes serve everybody).
bool IsDownloadUrl(std::string_view url);

// The lower-cased host of a URL (scheme, user, port, path dropped).
std::string HostOf(std::string_view url);

// Whether `host` is `instance` or under it (links to the GitLab instance).
bool SameSite(std::string_view host, std::string_view instance);

}  // namespace spamphibian::classify
