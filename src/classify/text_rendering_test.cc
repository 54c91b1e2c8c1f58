#include "classify/text_rendering.h"

#include <gtest/gtest.h>

#include <cmath>

namespace spamphibian::classify {
namespace {

bool Has(const Rendering& r, const std::string& token) {
  return (" " + r.text + " ").find(" " + token + " ") != std::string::npos;
}

TEST(Render, SeoProfileWithOnlyAWebsite) {
  gitlab::Item u;
  u.type = "user";
  u.text = {{"username", "bestseo2026"}, {"name", "seo"}, {"website_url", "https://seo-agency.example.agency/x?y=1"}};
  Rendering r = Render(u, {{"disposable_email", true}, {"email_confirmed", false}, {"account_age_days", 0.2},
                          {"email_domain", "mailinator.com"}});
  for (const char* t : {"sig_type_user", "sig_links_1", "sig_website_url", "sig_website_without_bio",
                        "sig_disposable_email", "sig_email_unconfirmed", "sig_age_lt1d", "__url__",
                        "url_domain:example.agency", "url_tld:agency", "email_domain:mailinator.com",
                        "bestseo2026"}) {
    EXPECT_TRUE(Has(r, t)) << t << " in: " << r.text;
  }
  EXPECT_FALSE(Has(r, "https")) << "URLs are reduced to their domain";
}

TEST(Render, PhoneNumbersMarkdownLinksAndScripts) {
  gitlab::Item i;
  i.type = "issue";
  i.text = {{"title", "QuickBooks support"}, {"description", "Call +1-888-555-0199 or [here](https://qb.example.top) 今すぐ"}};
  Rendering r = Render(i, nlohmann::json::object());
  for (const char* t : {"sig_phone", "sig_markdown_link", "sig_script_mix", "__phone__", "quickbooks", "今", "す", "ぐ"}) {
    EXPECT_TRUE(Has(r, t)) << t << " in: " << r.text;
  }
  EXPECT_FALSE(Has(r, "888")) << "the number itself is not a token";
}

TEST(Render, UnspacedScriptsAreTokenisedByCharacter) {
  gitlab::Item n;
  n.type = "note";
  n.text = {{"body", "最新网上赌场 and ภาษาไทย, then русский текст"}};
  Rendering r = Render(n, nlohmann::json::object());
  for (const char* t : {"最", "新", "场", "ภ", "русский", "текст"}) EXPECT_TRUE(Has(r, t)) << t << " in: " << r.text;
  EXPECT_FALSE(Has(r, "最新网上赌场"));
}

TEST(Render, WhatALinkedDomainSellsBecomesAWord) {
  gitlab::Item n;
  n.type = "note";
  n.text = {{"body", "Great tips, the team at [our site](https://www.hartmanplumbingdenver.com/blog) agrees. "
                     "Docs: https://docs.gitlab.com/ee/ci/"}};
  Rendering r = Render(n, nlohmann::json::object());
  EXPECT_TRUE(Has(r, "url_domain:hartmanplumbingdenver.com")) << r.text;
  EXPECT_TRUE(Has(r, "url_word:plumb")) << r.text;
  EXPECT_EQ(r.text.find("url_word:", r.text.find("url_word:") + 1), std::string::npos) << "gitlab.com sells nothing: " << r.text;
}

TEST(Render, ADownloadLinkIsASignal) {
  gitlab::Item n;
  n.type = "note";
  n.text = {{"body", "Same error here, this fixed it: https://www.mediafire.com/file/q1w2/fix.rar password: 2024"}};
  Rendering r = Render(n, nlohmann::json::object());
  EXPECT_TRUE(Has(r, "sig_download_link")) << r.text;
  EXPECT_EQ(r.features[FeatureIndex("download_link")], 1.0f);
  n.text = {{"body", "See https://docs.example.org/install for the steps."}};
  r = Render(n, nlohmann::json::object());
  EXPECT_FALSE(Has(r, "sig_download_link")) << r.text;
  EXPECT_EQ(r.features[FeatureIndex("download_link")], 0.0f);
}

TEST(Render, ALinkToASiteOtherThanReferencesIsASignal) {
  gitlab::Item n;
  n.type = "note";
  n.text = {{"body", "Per RFC 9110 (https://www.rfc-editor.org/rfc/rfc9110) and "
                     "https://docs.python.org/3/library/http.html, see https://stackoverflow.com/q/123 or https://gitlab.example.org/a/b/-/issues/1"}};
  Rendering r = Render(n, {{"instance_host", "gitlab.example.org"}});
  EXPECT_FALSE(Has(r, "sig_nonreference_link")) << r.text;
  EXPECT_EQ(r.features[FeatureIndex("nonreference_links")], 0.0f);
  EXPECT_GT(r.features[FeatureIndex("offsite_links")], 0.0f);
  n.text = {{"body", "Nice write-up. We do the same on https://docs.python.org and at "
                     "[our platform](https://streamhub-live.example.top)."}};
  r = Render(n, {{"instance_host", "gitlab.example.org"}});
  EXPECT_TRUE(Has(r, "sig_nonreference_link")) << r.text;
  EXPECT_FLOAT_EQ(r.features[FeatureIndex("nonreference_links")], std::log1p(1.0f)) << "one of its two links";
}

TEST(Render, PlainDeveloperText) {
  gitlab::Item n;
  n.type = "note";
  n.text = {{"body", "I can reproduce this on main; the election timeout is not reset."}};
  Rendering r = Render(n, nlohmann::json::object());
  EXPECT_TRUE(Has(r, "sig_links_0"));
  EXPECT_TRUE(Has(r, "reproduce"));
  EXPECT_FALSE(Has(r, "sig_phone"));
  EXPECT_EQ(r.text, Render(n, nlohmann::json::object()).text) << "deterministic";
}

TEST(Render, EmptyItem) {
  gitlab::Item u;
  u.type = "user";
  Rendering r = Render(u, nlohmann::json::object());
  EXPECT_TRUE(Has(r, "sig_no_text"));
}

}  // namespace
}  // namespace spamphibian::classify
