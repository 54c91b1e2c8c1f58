// The review page's static assets, compiled in (nothing to install, nothing
// to serve from disk). The page is inert by construction: app.js builds
// every piece of spam text with textContent, never as HTML; links in spam
// are not anchors but spans that open only after a confirmation showing
// the whole URL; the CSP (admin_service.cc) allows scripts and styles from
// this origin only, and no images, frames or remote connections.
#pragma once

#include <string_view>

namespace spamphibian::admin {

extern const std::string_view kSignInHtml;
extern const std::string_view kReviewPageHtml;
extern const std::string_view kAppJs;
extern const std::string_view kAppCss;

}  // namespace spamphibian::admin
