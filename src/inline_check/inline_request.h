// InlineRequest: what GitLab asks the inline check about (its spam-check
// protocol, proto/spamcheck.proto), as the same normalised item the fetch
// stage builds from the API, so that trust, the model and the campaigns
// judge it as they judge a saved one.
//
//   CheckForSpamIssue    -> an issue: title, description
//   CheckForSpamSnippet  -> a snippet: title, description, file names
//                           (GitLab sends no content)
//   CheckForSpamGeneric  -> by its `type`: a note (body), a merge request
//                           (GitLab joins title and description with a
//                           newline: the first line is the title), a wiki
//                           page, ...; a type this product has no model
//                           for (a milestone) is judged as a note
//
// The author: GitLab sends every e-mail with whether it is verified; the
// first verified one stands for the account (its domain, disposable or
// not, as confirmed), the others are asked of the trust policy too. The
// account's age is its created_at, else GitLab's abuse_metadata
// account_age (days). An item not yet saved has no id: the caller names
// it.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "gitlab/item.h"
#include "spamcheck.pb.h"

namespace spamphibian::inline_check {

// The most text of one request that is judged (GitLab bounds an issue's
// description at 1 MB; the words model reads far less).
inline constexpr std::size_t kMaxTextBytes = 64 * 1024;

struct InlineRequest {
  std::string method;  // issue, snippet, generic
  gitlab::Item item;
  // Every e-mail GitLab sent, with whether it is verified.
  std::vector<std::pair<std::string, bool>> emails;
  std::string action;        // create, update
  std::string sent_type;     // Generic's `type` as GitLab sent it ("" for the others)
  bool user_in_project = false;
  std::int64_t project_id = 0;
  std::string project_path;
  bool two_factor = false;
  // The user's organization: shown to reviewers, not judged (a saved
  // item's text does not hold it either).
  std::string org;
};

// InvalidArgument (naming the field) when the request cannot be judged: no
// user, no text at all, a Generic without a type.
Status FromIssue(const spamcheck::Issue& issue, std::chrono::system_clock::time_point now, InlineRequest* out);
Status FromSnippet(const spamcheck::Snippet& snippet, std::chrono::system_clock::time_point now, InlineRequest* out);
Status FromGeneric(const spamcheck::Generic& generic, std::chrono::system_clock::time_point now, InlineRequest* out);

// The item type a Generic's `type` is judged as (above).
std::string ItemTypeOfGeneric(std::string_view sent_type);

}  // namespace spamphibian::inline_check
