#include "jobs/verified_users_job.h"

#include "http/percent_encoding.h"
#include "text/ascii.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <unordered_map>

namespace spamphibian {
namespace {


}  // namespace

bool HasToken(std::string_view text, std::string_view token) {
  if (token.empty()) return false;
  // A whole token: not preceded or followed by a letter, digit or '_'
  // ("unverified" does not carry "verified").
  const auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  for (std::size_t at = text.find(token); at != std::string_view::npos; at = text.find(token, at + 1)) {
    const bool starts = at == 0 || !word(text[at - 1]) || !word(token.front());
    const std::size_t end = at + token.size();
    const bool ends = end == text.size() || !word(text[end]) || !word(token.back());
    if (starts && ends) return true;
  }
  return false;
}

Status VerifiedUsersJob::Run() {
  // One pass over all users: e-mails by id (an admin token sees them), and
  // those whose admin note carries the marker.
  std::unordered_map<std::int64_t, std::string> emails;
  std::set<std::string> verified;
  const std::string marker = text::AsciiLower(options_.marker);
  Status s = api_->GetPages("/users?order_by=id&sort=asc", [&](const nlohmann::json& page) {
    for (const auto& u : page) {
      const std::string email = text::AsciiLower(u.value("email", ""));
      if (email.empty()) continue;
      emails[u.value("id", std::int64_t{0})] = email;
      const std::string note = u.contains("note") && u["note"].is_string() ? text::AsciiLower(u["note"].get<std::string>()) : "";
      if (HasToken(note, marker)) verified.insert(email);
    }
    return true;
  });
  if (!s.ok()) return s;
  for (const std::string& group : options_.groups) {
    s = api_->GetPages("/groups/" + http::PercentEncode(group) + "/members/all", [&](const nlohmann::json& page) {
      for (const auto& m : page) {
        auto it = emails.find(m.value("id", std::int64_t{0}));
        if (it != emails.end()) verified.insert(it->second);
      }
      return true;
    });
    if (!s.ok()) return s;
  }
  // Build aside, then swap in atomically.
  const std::string tmp = options_.set_key + ":building";
  std::vector<redis::Args> commands = {{"DEL", tmp}};
  redis::Args sadd = {"SADD", tmp};
  for (const auto& e : verified) {
    sadd.push_back(e);
    if (sadd.size() >= 1000) {
      commands.push_back(sadd);
      sadd.resize(2);
    }
  }
  if (sadd.size() > 2) commands.push_back(sadd);
  // Authors a reviewer trusted (review queue: "trust this author") are kept
  // in a set of their own, which every rebuild adds back.
  const std::string reviewed = options_.set_key + ":reviewed";
  if (verified.empty()) {
    commands.push_back({"SUNIONSTORE", options_.set_key, reviewed});
  } else {
    commands.push_back({"SUNIONSTORE", tmp, tmp, reviewed});
    commands.push_back({"RENAME", tmp, options_.set_key});
  }
  std::vector<redis::Reply> replies;
  s = client_.RunPipeline(commands, &replies);
  if (!s.ok()) return s;
  for (const auto& r : replies) {
    if (redis::IsError(r.get())) return Status::Internal(std::string(redis::ReplyText(r.get())));
  }
  return Status::Ok();
}

}  // namespace spamphibian
