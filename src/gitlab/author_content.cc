#include "gitlab/author_content.h"

#include "gitlab/api_fields.h"
#include "gitlab/normalize.h"
#include "http/percent_encoding.h"

namespace spamphibian::gitlab {
namespace {

bool ItemFromEvent(const nlohmann::json& event, Item* item) {
  const std::string target = Str(event, "target_type");
  const std::int64_t project = Int(event, {"project_id"});
  if (project <= 0) return false;
  if (target == "Note" || target == "DiffNote" || target == "DiscussionNote") {
    auto it = event.find("note");
    if (it == event.end() || !it->is_object() || Bool(*it, "system")) return false;
    nlohmann::json note = *it;
    note["project_id"] = project;  // an event's note lacks where it is: the event says
    return Normalize("note", note, item).ok();
  }
  if (target == "WikiPage::Meta") {
    auto it = event.find("wiki_page");
    if (it == event.end() || !it->is_object() || Str(*it, "slug").empty()) return false;
    if (!Normalize("wiki_page", *it, item).ok()) return false;
    item->refs["project_id"] = project;
    item->id = std::to_string(project) + "/" + item->id;
    return true;
  }
  return false;
}

}  // namespace

const AuthorListing* FindAuthorListing(std::string_view name) {
  for (const AuthorListing& l : kAuthorListings) {
    if (name == l.name) return &l;
  }
  return nullptr;
}

std::string AuthorListingPath(const AuthorListing& listing, const Author& author) {
  std::string path = listing.path;
  if (auto at = path.find("%ID%"); at != std::string::npos) path.replace(at, 4, std::to_string(author.id));
  if (auto at = path.find("%SINCE%"); at != std::string::npos) {
    path.replace(at, 7, author.created_at.empty() ? "" : "?created_after=" + http::PercentEncode(author.created_at));
  }
  return path;
}

bool ItemFromListing(const AuthorListing& listing, const nlohmann::json& element, Item* item) {
  if (!element.is_object()) return false;
  if (*listing.type == '\0') return ItemFromEvent(element, item);
  return Normalize(listing.type, element, item).ok();
}

}  // namespace spamphibian::gitlab
