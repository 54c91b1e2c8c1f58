#include "classify/links.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace spamphibian::classify {
namespace {

std::vector<std::string> Domains(const std::vector<Link>& links) {
  std::vector<std::string> out;
  for (const auto& l : links) out.push_back(l.domain);
  return out;
}

bool HasDomain(const std::vector<Link>& links, const std::string& d) {
  const auto all = Domains(links);
  return std::find(all.begin(), all.end(), d) != all.end();
}

TEST(Links, RegistrableDomainByThePublicSuffixList) {
  EXPECT_EQ(RegistrableDomain("www.shop.example.co.uk"), "example.co.uk");
  EXPECT_EQ(RegistrableDomain("a.b.casino-77.com.br"), "casino-77.com.br");
  EXPECT_EQ(RegistrableDomain("alice.github.io"), "alice.github.io") << "github.io is a public suffix";
  const auto links = ExtractLinks("see https://docs.example.co.uk/x?y=1");
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(links[0].host, "docs.example.co.uk");
  EXPECT_EQ(links[0].tld, "uk");
  EXPECT_FALSE(links[0].defanged);
}

TEST(Links, DefangedLinksAreFoundAndMarked) {
  for (const char* text : {"go to hxxps://casino-77[.]bet/promo", "casino-77 (dot) bet", "casino-77[.]bet",
                           "https://casino-77.\xe2\x80\x8b" "bet/x" /* zero-width space */}) {
    const auto links = ExtractLinks(text);
    ASSERT_TRUE(HasDomain(links, "casino-77.bet")) << text;
    EXPECT_TRUE(links.back().defanged) << text;
  }
}

TEST(Links, LookAlikeLettersAndDigits) {
  // "саsino" with Cyrillic а and с inside a Latin word; fullwidth letters.
  EXPECT_EQ(Skeleton("\xd1\x81\xd0\xb0sino"), "casino");
  EXPECT_EQ(Skeleton("\xef\xbd\x82\xef\xbd\x89\xef\xbd\x94"), "bit");
  EXPECT_EQ(Skeleton("\xe2\x91\xa0\xe2\x91\xa7\xe2\x91\xa4\xe2\x91\xa4"), "1855") << "circled digits";
  EXPECT_EQ(Skeleton("\xd0\xbf\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82"), "\xd0\xbf\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82")
      << "a Russian word stays Russian";
}

TEST(Links, HiddenShortenersMessagingPunycode) {
  auto links = ExtractLinks("great post [](https://seo.example.top) and <div style=\"font-size:0\"><a href=\"https://hidden.example.xyz\">x</a></div>");
  ASSERT_EQ(links.size(), 2u);
  EXPECT_TRUE(links[0].hidden);
  EXPECT_TRUE(links[1].hidden);
  links = ExtractLinks("details https://bit.ly/abc or wa.me/15550100 and https://xn--80ak6aa92e.com");
  ASSERT_EQ(links.size(), 3u);
  EXPECT_TRUE(links[0].shortener);
  EXPECT_TRUE(std::any_of(links.begin(), links.end(), [](const Link& l) { return l.messaging; }));
  EXPECT_TRUE(std::any_of(links.begin(), links.end(), [](const Link& l) { return l.punycode; }));
  EXPECT_FALSE(ExtractLinks("see [docs](https://docs.example.org)")[0].hidden);
}

TEST(Links, DownloadsAreArchivesProgramsAndFileHosts) {
  // The "download the fix" lure: a program or an archive, or any file on a
  // file-sharing host, defanged or not.
  for (const char* text : {"fixed it: https://www.dropbox.com/scl/fi/abc/fix.zip?dl=1 password: 1234",
                           "run hxxps://tools-update[.]xyz/installer.EXE.", "https://www.mediafire.com/file/x8k2/",
                           "get it at https://gofile.io/d/Ab12", "https://example.org/app/latest/app-release.apk#top"}) {
    const auto links = ExtractLinks(text);
    ASSERT_EQ(links.size(), 1u) << text;
    EXPECT_TRUE(links[0].download) << text;
  }
  // Pages, source tarballs and a host's name alone are not downloads.
  for (const char* text : {"https://docs.example.org/install.html", "https://files.pythonhosted.org/p/pkg-1.2.tar.gz",
                           "https://example.zip", "https://example.org/v1.2/notes", "www.example.org/zip/"}) {
    const auto links = ExtractLinks(text);
    ASSERT_EQ(links.size(), 1u) << text;
    EXPECT_FALSE(links[0].download) << text;
  }
  EXPECT_TRUE(IsDownloadUrl("https://x.example/a/b/setup.msi"));
  EXPECT_FALSE(IsDownloadUrl("https://x.example/setup.msi/readme"));
  EXPECT_TRUE(IsFileHostDomain("mega.nz"));
  EXPECT_FALSE(IsFileHostDomain("github.com"));
}

TEST(Links, ReferenceDomainsAreWhereDevelopersSendEachOther) {
  for (const char* d : {"alpinelinux.org", "github.com", "stackoverflow.com", "python.org", "docs.rs", "crates.io",
                        "rfc-editor.org", "wikipedia.org"}) {
    EXPECT_TRUE(IsReferenceDomain(d)) << d;
    EXPECT_TRUE(IsCommonDomain(d)) << d;
  }
  // Registrable domains only: the caller passes Link::domain.
  EXPECT_TRUE(IsReferenceDomain(RegistrableDomain("docs.python.org")));
  for (const char* d : {"docs.python.org", "github.com.example.top", "bestcasino.top", "gitlab.example.top", "",
                        "com"}) {
    EXPECT_FALSE(IsCommonDomain(d)) << d;
  }
  // Anyone can publish on a platform: common, but no reference.
  for (const char* d : {"google.com", "medium.com", "youtube.com", "github.io"}) {
    EXPECT_TRUE(IsCommonDomain(d)) << d;
    EXPECT_FALSE(IsReferenceDomain(d)) << d;
  }
}

TEST(Links, BareShortenerAndMessengerLinksUnderAnyTld) {
  // .ly, .id, .gd are no web TLD for bare domains (links.cc), but a
  // shortener's host with a path is a link written without its scheme.
  for (const char* text : {"cek katalog: bit.ly/obatkuat-asli", "daftar di s.id/gacor88", "(is.gd/abc)"}) {
    const auto links = ExtractLinks(text);
    ASSERT_EQ(links.size(), 1u) << text;
    EXPECT_TRUE(links[0].shortener) << text;
  }
  EXPECT_EQ(ExtractLinks("see bit.ly/x and https://bit.ly/x").size(), 1u) << "one link, found once";
  // Other hosts under such TLDs stay no link: paths in code and build logs.
  EXPECT_TRUE(ExtractLinks("edit src/main.cc/ or setup.py/ and lib.rs/mod").empty());
  EXPECT_TRUE(ExtractLinks("bit.ly without a path is a name").empty());
}

TEST(Links, CodeIsNotLinks) {
  EXPECT_TRUE(ExtractLinks("see README.md and main.cc, call os.ReadFile or self.name, user.id").empty());
  EXPECT_TRUE(ExtractLinks("mail me at someone@example.com").empty()) << "an e-mail is not a link";
  EXPECT_EQ(ExtractLinks("visit casino777.com now").size(), 1u) << "a bare domain under a web TLD is";
}

TEST(Links, SameSite) {
  EXPECT_TRUE(SameSite("gitlab.example.org", "gitlab.example.org"));
  EXPECT_TRUE(SameSite("docs.gitlab.example.org", "gitlab.example.org"));
  EXPECT_FALSE(SameSite("evilgitlab.example.org", "gitlab.example.org"));
  EXPECT_FALSE(SameSite("x.org", ""));
}

}  // namespace
}  // namespace spamphibian::classify
