#include "bootstrap/bootstrap.h"

#include <algorithm>
#include <set>

#include "decisions/decision.h"
#include "gitlab/api_fields.h"
#include "gitlab/author_content.h"
#include "gitlab/normalize.h"
#include "http/percent_encoding.h"
#include "log/json_log.h"
#include "trust/account_signals.h"

namespace spamphibian::bootstrap {
namespace {

// The content of one account, listing by listing (gitlab/author_content.h).
constexpr const char* kListings[] = {"projects", "issues", "comments"};

// Private by its own fields: a confidential issue, an internal note, a
// project or snippet that is not public. Issues and comments are also
// private when their project is (Bootstrap::ProjectIsPublic).
bool IsPrivate(const std::string& type, const nlohmann::json& o) {
  if (gitlab::Bool(o, "confidential") || gitlab::Bool(o, "internal")) return true;
  if (type == "note" || type == "issue") return false;
  return gitlab::Str(o, "visibility") != "public";
}

// The label's key: the item's own, so that writing it again replaces it.
std::string LabelKey(const gitlab::Item& item) {
  return std::string(kLabelsPrefix) + item.type + "/" + http::PercentEncode(item.id) + ".json";
}

}  // namespace

nlohmann::json Counts::ToJson() const {
  return {{"users", users},   {"vouched", vouched},   {"done_before", done_before},
          {"labels", labels}, {"private_skipped", private_skipped}, {"capped", capped}};
}

std::string Vouch(const nlohmann::json& user, const std::string& trust_reason, double min_age_days,
                  std::chrono::system_clock::time_point now) {
  // Accounts whose words are not a person's, or that someone already
  // stopped, are never an example of ordinary text.
  // Read without throwing: the API's objects are input like any other.
  if (gitlab::Str(user, "state") != "active" || gitlab::Bool(user, "bot")) return "";
  const std::string type = gitlab::Str(user, "user_type");
  if (!type.empty() && type != "human") return "";
  if (!trust_reason.empty()) return trust_reason;
  const bool confirmed = !gitlab::Str(user, "confirmed_at").empty();
  const double age = AgeInDays(gitlab::Str(user, "created_at"), now);
  if (confirmed && age >= min_age_days) return "account older than " + std::to_string(static_cast<int>(min_age_days)) + " days";
  return "";
}

Status Bootstrap::Put(gitlab::Item item, const gitlab::Author& author, Counts* counts) {
  // Listings embed a short author; the account we vouched for is the whole one.
  if (item.type != "user") item.author = author;
  nlohmann::json label = {{"label", "ham"},
                          {"source", "bootstrap"},
                          {"time", NowRfc3339()},
                          {"item", gitlab::ToJson(item)},
                          {"signals", AccountSignals(item.author, ItemTime(item, std::chrono::system_clock::now()),
                                                     trust_)}};
  label["item"].erase("raw");  // the API object is not what is learnt from, and may be large
  if (Status s = store_.Put(LabelKey(item), label.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                            "application/json");
      !s.ok()) {
    return s;
  }
  ++counts->labels;
  return Status::Ok();
}

Status Bootstrap::ProjectIsPublic(std::int64_t id, bool* is_public) {
  if (auto it = public_projects_.find(id); it != public_projects_.end()) {
    *is_public = it->second;
    return Status::Ok();
  }
  nlohmann::json project;
  Status s = api_.Get("/projects/" + std::to_string(id), &project);
  if (s.IsNotFound()) {
    *is_public = false;  // gone, or not ours to read: not learnt from
  } else if (!s.ok()) {
    return s;
  } else {
    *is_public = gitlab::Str(project, "visibility") == "public";
  }
  public_projects_[id] = *is_public;
  return Status::Ok();
}

Status Bootstrap::LabelUser(const nlohmann::json& user, const std::atomic<bool>& stop, Counts* counts) {
  const gitlab::Author author = gitlab::AuthorFromUser(user);
  int taken = 0;
  // The profile itself, when there is something in it.
  if (!gitlab::Str(user, "bio").empty() || !gitlab::Str(user, "website_url").empty()) {
    gitlab::Item profile;
    if (Status s = gitlab::Normalize("user", user, &profile); !s.ok()) return s;
    if (Status s = Put(std::move(profile), author, counts); !s.ok()) return s;
    ++taken;
  }
  for (const char* name : kListings) {
    if (taken >= options_.per_user || stop.load()) break;
    const gitlab::AuthorListing& listing = *gitlab::FindAuthorListing(name);
    Status failure = Status::Ok();
    Status s = api_.GetPages(gitlab::AuthorListingPath(listing, author), [&](const nlohmann::json& page) {
      for (const auto& element : page) {
        if (taken >= options_.per_user || counts->labels >= options_.max_labels || stop.load()) return false;
        gitlab::Item item;
        if (!gitlab::ItemFromListing(listing, element, &item)) continue;
        if (!options_.include_private) {
          // The API object as listed (a comment's with its event's project).
          bool hidden = IsPrivate(item.type, item.raw);
          if (!hidden && (item.type == "note" || item.type == "issue")) {
            bool is_public = false;
            failure = ProjectIsPublic(gitlab::Int(item.raw, {"project_id"}), &is_public);
            if (!failure.ok()) return false;
            hidden = !is_public;
          }
          if (hidden) {
            ++counts->private_skipped;
            continue;
          }
        }
        failure = Put(std::move(item), author, counts);
        if (!failure.ok()) return false;
        ++taken;
      }
      return true;
    });
    if (!failure.ok()) return failure;
    // A listing this GitLab does not have (an older version) is no reason to stop.
    if (!s.ok() && !s.IsNotFound()) return s;
  }
  return Status::Ok();
}

Status Bootstrap::Run(const std::atomic<bool>& stop, Counts* counts) {
  *counts = Counts();
  const auto now = std::chrono::system_clock::now();
  // The review groups' members, read once: the people trusted to moderate.
  std::set<std::int64_t> reviewers;
  for (const std::string& group : options_.review_groups) {
    Status s = api_.GetPages("/groups/" + http::PercentEncode(group) + "/members/all", [&](const nlohmann::json& page) {
      for (const auto& m : page) reviewers.insert(gitlab::Int(m, {"id"}));
      return true;
    });
    if (!s.ok()) return s;
  }
  Status failure = Status::Ok();
  Status s = api_.GetPages("/users?order_by=id&sort=asc&active=true", [&](const nlohmann::json& page) {
    std::vector<const nlohmann::json*> vouched;
    redis::Args ask = {"SMISMEMBER", options_.done_key};
    for (const auto& user : page) {
      ++counts->users;
      if (!user.is_object()) continue;
      const gitlab::Author author = gitlab::AuthorFromUser(user);
      std::string trust_reason = trust_.TrustReason(author, [&](const std::string& email) {
        redis::Reply r;
        return client_.Run({"SISMEMBER", options_.verified_key, email}, &r).ok() && r->integer == 1;
      });
      if (trust_reason.empty() && reviewers.count(author.id) > 0) trust_reason = "member of a review group";
      if (Vouch(user, trust_reason, options_.min_age_days, now).empty()) continue;
      vouched.push_back(&user);
      ask.push_back(std::to_string(gitlab::Int(user, {"id"})));
    }
    if (vouched.empty()) return !stop.load();
    redis::Reply done;
    failure = client_.Run(ask, &done);
    if (!failure.ok()) return false;
    for (std::size_t i = 0; i < vouched.size(); ++i) {
      if (stop.load()) return false;
      if (counts->labels >= options_.max_labels) {
        counts->capped = true;
        return false;
      }
      if (done->element[i]->integer == 1) {
        ++counts->done_before;
        continue;
      }
      ++counts->vouched;
      failure = LabelUser(*vouched[i], stop, counts);
      if (!failure.ok() || stop.load()) return false;
      if (counts->labels >= options_.max_labels) {  // maybe cut short: read again next run
        counts->capped = true;
        return false;
      }
      // Done only once every label of theirs is written: an interrupted
      // user is read again next time (and writes the same keys).
      failure = client_.Run({"SADD", options_.done_key, ask[i + 2]});
      if (!failure.ok()) return false;
    }
    LogJson(log_, spdlog::level::info, "bootstrap_progress", counts->ToJson());
    return !stop.load();
  });
  return failure.ok() ? s : failure;
}

}  // namespace spamphibian::bootstrap
