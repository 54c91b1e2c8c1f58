#include "classify/domain_words.h"

#include <gtest/gtest.h>

namespace spamphibian::classify {
namespace {

using Words = std::vector<std::string_view>;

TEST(DomainWordsTest, FindsWhatTheDomainSells) {
  EXPECT_EQ(DomainWords("hartmanplumbingdenver.com"), Words({"plumb"}));
  EXPECT_EQ(DomainWords("cheap-essay-writers.net"), Words({"essay"}));
  EXPECT_EQ(DomainWords("slot88gacor.vip"), Words({"slot", "gacor"}));
  EXPECT_EQ(DomainWords("best-iptv-uk.co.uk"), Words({"iptv"}));
}

TEST(DomainWordsTest, OnlyTheFirstLabelCounts) {
  // The suffix is not the business: a .casino or .loans TLD is its own token.
  EXPECT_TRUE(DomainWords("example.casino").empty());
  EXPECT_EQ(DomainWords("loanhub.loans"), Words({"loan"}));
}

TEST(DomainWordsTest, OrdinaryNamesFindNothing) {
  for (const char* d : {"alphabet.com", "lawrence.dev", "spacex.com", "upstream.dev", "hackerone.com", "gitlab.com", "github.io", "kernel.org", "rust-lang.org", "annasmith.me", "", "."}) {
    EXPECT_TRUE(DomainWords(d).empty()) << d;
  }
}

}  // namespace
}  // namespace spamphibian::classify
