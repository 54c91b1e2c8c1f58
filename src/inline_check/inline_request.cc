#include "inline_check/inline_request.h"

#include <ctime>

namespace spamphibian::inline_check {
namespace {

std::string Rfc3339(const google::protobuf::Timestamp& t) {
  if (t.seconds() <= 0) return "";
  const std::time_t secs = static_cast<std::time_t>(t.seconds());
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string Rfc3339(std::chrono::system_clock::time_point t) {
  google::protobuf::Timestamp ts;
  ts.set_seconds(std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count());
  return Rfc3339(ts);
}

void AddText(gitlab::Item* item, const char* field, std::string_view text, std::size_t* budget) {
  if (text.empty() || *budget == 0) return;
  std::string_view kept = text.substr(0, *budget);
  // Never cut inside a UTF-8 sequence: back off to the start of one.
  if (kept.size() < text.size()) {
    while (!kept.empty() && (static_cast<unsigned char>(text[kept.size()]) & 0xC0) == 0x80) kept.remove_suffix(1);
  }
  // Cut: the budget is spent (a field's tail is never followed by the next).
  *budget = kept.size() < text.size() ? 0 : *budget - kept.size();
  item->text.emplace_back(field, std::string(kept));
}

Status Common(const spamcheck::User* user, bool has_user, int action, bool user_in_project,
              const spamcheck::Project* project, const google::protobuf::Timestamp& created_at,
              const google::protobuf::Timestamp& updated_at, std::chrono::system_clock::time_point now,
              InlineRequest* out) {
  if (!has_user) return Status::InvalidArgument("user: missing (GitLab always sends who is posting)");
  gitlab::Author& a = out->item.author;
  a.id = user->id();
  a.username = user->username();
  a.name = user->username();
  a.state = "active";
  a.user_type = "human";  // GitLab sends no bots or service users
  for (const auto& e : user->emails()) {
    out->emails.emplace_back(e.email(), e.verified());
    if (a.email.empty() && e.verified()) a.email = e.email();
  }
  if (a.email.empty() && !out->emails.empty()) a.email = out->emails.front().first;
  a.email_source = a.email.empty() ? "" : "api";
  a.created_at = Rfc3339(user->created_at());
  const auto& meta = user->abuse_metadata();
  if (a.created_at.empty()) {
    if (const auto it = meta.find("account_age"); it != meta.end() && it->second >= 0) {
      a.created_at = Rfc3339(now - std::chrono::seconds(static_cast<long long>(it->second * 86400.0)));
    }
  }
  if (const auto it = meta.find("two_factor_enabled"); it != meta.end()) out->two_factor = it->second > 0;
  // Verified: as GitLab's confirmed_at says of the API's user (only its
  // being set is read).
  for (const auto& [email, verified] : out->emails) {
    if (email == a.email && verified) a.confirmed_at = a.created_at.empty() ? Rfc3339(now) : a.created_at;
  }
  out->org = user->org().substr(0, 256);
  out->action = action == spamcheck::UPDATE ? "update" : "create";
  out->user_in_project = user_in_project;
  if (project != nullptr) {
    out->project_id = project->project_id();
    out->project_path = project->project_path();
  }
  out->item.created_at = Rfc3339(created_at);
  if (out->item.created_at.empty()) out->item.created_at = Rfc3339(now);
  out->item.updated_at = Rfc3339(updated_at);
  out->item.visibility = "public";  // GitLab checks public content only (snippets say so themselves)
  out->item.event_type = "inline_check";
  return Status::Ok();
}

Status NeedsText(const InlineRequest& r) {
  for (const auto& [field, text] : r.item.text) {
    if (!text.empty()) return Status::Ok();
  }
  return Status::InvalidArgument("no text to check");
}

}  // namespace

std::string ItemTypeOfGeneric(std::string_view sent_type) {
  for (std::string_view t : {"note", "merge_request", "issue", "wiki_page", "snippet", "project", "group"}) {
    if (sent_type == t) return std::string(t);
  }
  return "note";
}

Status FromIssue(const spamcheck::Issue& issue, std::chrono::system_clock::time_point now, InlineRequest* out) {
  *out = InlineRequest();
  out->method = "issue";
  out->item.type = "issue";
  if (Status s = Common(&issue.user(), issue.has_user(), issue.action(), issue.user_in_project(),
                       issue.has_project() ? &issue.project() : nullptr, issue.created_at(), issue.updated_at(), now,
                       out);
      !s.ok()) {
    return s;
  }
  std::size_t budget = kMaxTextBytes;
  AddText(&out->item, "title", issue.title(), &budget);
  AddText(&out->item, "description", issue.description(), &budget);
  return NeedsText(*out);
}

Status FromSnippet(const spamcheck::Snippet& snippet, std::chrono::system_clock::time_point now, InlineRequest* out) {
  *out = InlineRequest();
  out->method = "snippet";
  out->item.type = "snippet";
  if (Status s = Common(&snippet.user(), snippet.has_user(), snippet.action(), snippet.user_in_project(),
                       snippet.has_project() ? &snippet.project() : nullptr, snippet.created_at(),
                       snippet.updated_at(), now, out);
      !s.ok()) {
    return s;
  }
  if (!snippet.visibility().empty()) out->item.visibility = snippet.visibility();
  std::size_t budget = kMaxTextBytes;
  AddText(&out->item, "title", snippet.title(), &budget);
  AddText(&out->item, "description", snippet.description(), &budget);
  std::string files;
  for (const auto& f : snippet.files()) files += (files.empty() ? "" : ", ") + f.path();
  AddText(&out->item, "file_names", files, &budget);
  return NeedsText(*out);
}

Status FromGeneric(const spamcheck::Generic& generic, std::chrono::system_clock::time_point now, InlineRequest* out) {
  *out = InlineRequest();
  out->method = "generic";
  if (generic.type().empty()) return Status::InvalidArgument("type: missing (note, merge_request, ...)");
  out->sent_type = generic.type().substr(0, 64);
  out->item.type = ItemTypeOfGeneric(generic.type());
  if (Status s = Common(&generic.user(), generic.has_user(), generic.action(), generic.user_in_project(),
                       generic.has_project() ? &generic.project() : nullptr, generic.created_at(),
                       generic.updated_at(), now, out);
      !s.ok()) {
    return s;
  }
  std::size_t budget = kMaxTextBytes;
  const std::string_view text = generic.text();
  const std::string& type = out->item.type;
  if (type == "note") {
    AddText(&out->item, "body", text, &budget);
  } else {
    // GitLab joins an item's spammable fields with newlines: its title first.
    const std::size_t nl = text.find('\n');
    const std::string_view first = text.substr(0, nl);
    const std::string_view rest = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    const char* body = type == "wiki_page" ? "content" : "description";
    if (type == "project" || type == "group") {
      AddText(&out->item, "description", text, &budget);
    } else {
      AddText(&out->item, "title", first, &budget);
      AddText(&out->item, body, rest, &budget);
    }
  }
  return NeedsText(*out);
}

}  // namespace spamphibian::inline_check
