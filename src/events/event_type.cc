#include "events/event_type.h"

#include <array>
#include <cstdint>

namespace spamphibian {
namespace {

constexpr std::array<std::string_view, 23> kEventTypes = {
    "user_create",      "user_rename",       "project_create",
    "project_rename",   "project_transfer",  "project_update",
    "group_create",     "group_rename",      "issue_open",
    "issue_update",     "issue_close",       "issue_reopen",
    "issue_note_create", "issue_note_update", "merge_request_note_create",
    "merge_request_note_update", "snippet_note_create", "snippet_note_update",
    "merge_request_open", "merge_request_update", "wiki_page_create",
    "wiki_page_update", "snippet_check",
};

// System hooks (and our own snippet check) whose event_name is the type.
constexpr std::array<std::string_view, 9> kSystemEvents = {
    "user_create",  "user_rename",  "project_create", "project_rename", "project_transfer",
    "project_update", "group_create", "group_rename",  "snippet_check",
};

// Webhooks: object_kind + action -> type.
struct ActionRule {
  std::string_view object_kind;
  std::string_view action;
  std::string_view type;
};
constexpr ActionRule kActionRules[] = {
    {"issue", "open", "issue_open"},
    {"issue", "update", "issue_update"},
    {"issue", "close", "issue_close"},
    {"issue", "reopen", "issue_reopen"},
    {"merge_request", "open", "merge_request_open"},
    {"merge_request", "reopen", "merge_request_update"},
    {"merge_request", "update", "merge_request_update"},
    {"wiki_page", "create", "wiki_page_create"},
    {"wiki_page", "update", "wiki_page_update"},
};

// Notes: noteable_type + create/update -> type. Notes on commits are code
// review, not a spam vector we act on.
struct NoteRule {
  std::string_view noteable_type;
  std::string_view create;
  std::string_view update;
};
constexpr NoteRule kNoteRules[] = {
    {"Issue", "issue_note_create", "issue_note_update"},
    {"MergeRequest", "merge_request_note_create", "merge_request_note_update"},
    {"Snippet", "snippet_note_create", "snippet_note_update"},
};

// Headers of hooks that never carry one of our events; skipping them early
// saves looking inside pushes and pipelines, the bulk of webhook traffic.
constexpr std::string_view kIrrelevantHeaders[] = {
    "Push Hook", "Tag Push Hook", "Pipeline Hook", "Job Hook", "Deployment Hook", "Release Hook",
    "Feature Flag Hook", "Emoji Hook", "Member Hook", "Subgroup Hook", "Resource Access Token Hook",
    "Vulnerability Hook", "Milestone Hook",
    // Not "Project Hook": a group webhook's project_create comes with it.
};

std::string_view StringField(simdjson::dom::element obj, std::string_view key) {
  std::string_view value;
  if (obj[key].get_string().get(value) != simdjson::SUCCESS) return {};
  return value;
}

std::string_view NoteType(simdjson::dom::element attrs) {
  const std::string_view noteable = StringField(attrs, "noteable_type");
  for (const NoteRule& rule : kNoteRules) {
    if (noteable != rule.noteable_type) continue;
    const std::string_view action = StringField(attrs, "action");
    if (action == "create") return rule.create;
    if (action == "update") return rule.update;
    if (!action.empty()) return {};  // e.g. a deleted note
    // GitLab before 16.11 sent no action; an edited note has moved on.
    const std::string_view created = StringField(attrs, "created_at");
    const std::string_view updated = StringField(attrs, "updated_at");
    return (updated.empty() || created == updated) ? rule.create : rule.update;
  }
  return {};
}

// What later stages need of each event, checked at the edge so that a
// malformed hook is refused (400) instead of stored to fail in fetch.
// A field is a path of keys; `alternatives` lists paths of which one must
// hold the value (GitLab puts a project id in different places).
enum class Want { kPositiveId, kText };
struct Required {
  std::string_view name;  // as reported: "user_id", "project.id" ...
  Want want;
  std::array<std::array<std::string_view, 2>, 3> alternatives;  // up to 3 paths of up to 2 keys
};
struct FieldRule {
  std::string_view prefix;  // event types starting with this
  std::array<Required, 3> fields;
};
constexpr Required kNone{};
constexpr Required kProjectId{"project.id", Want::kPositiveId, {{{"project", "id"}, {"object_attributes", "project_id"}, {"project_id", ""}}}};
constexpr Required kIid{"object_attributes.iid", Want::kPositiveId, {{{"object_attributes", "iid"}}}};
constexpr FieldRule kFieldRules[] = {
    {"user_", {{{"user_id", Want::kPositiveId, {{{"user_id", ""}}}}, kNone, kNone}}},
    {"project_", {{{"project_id", Want::kPositiveId, {{{"project_id", ""}}}}, kNone, kNone}}},
    {"group_", {{{"group_id", Want::kPositiveId, {{{"group_id", ""}}}}, kNone, kNone}}},
    {"issue_note_", {{kProjectId, {"object_attributes.id", Want::kPositiveId, {{{"object_attributes", "id"}}}},
                      {"issue.iid", Want::kPositiveId, {{{"issue", "iid"}}}}}}},
    {"merge_request_note_", {{kProjectId, {"object_attributes.id", Want::kPositiveId, {{{"object_attributes", "id"}}}},
                              {"merge_request.iid", Want::kPositiveId, {{{"merge_request", "iid"}}}}}}},
    {"snippet_note_", {{kProjectId, {"object_attributes.id", Want::kPositiveId, {{{"object_attributes", "id"}}}},
                        {"snippet.id", Want::kPositiveId, {{{"snippet", "id"}}}}}}},
    {"issue_", {{kProjectId, kIid, kNone}}},
    {"merge_request_", {{kProjectId, kIid, kNone}}},
    {"wiki_page_", {{kProjectId, {"object_attributes.slug", Want::kText, {{{"object_attributes", "slug"}}}}, kNone}}},
};

// The value at `path` (one or two keys), or an error.
simdjson::simdjson_result<simdjson::dom::element> At(simdjson::dom::element obj, const std::array<std::string_view, 2>& path) {
  auto first = obj[path[0]];
  if (path[1].empty() || first.error()) return first;
  return first[path[1]];
}

bool Holds(simdjson::dom::element value, Want want) {
  if (want == Want::kText) {
    std::string_view s;
    return value.get_string().get(s) == simdjson::SUCCESS && !s.empty() && s.size() <= 4096;
  }
  std::int64_t i = 0;
  std::uint64_t u = 0;
  if (value.get_int64().get(i) == simdjson::SUCCESS) return i > 0;
  return value.get_uint64().get(u) == simdjson::SUCCESS && u > 0 && u <= static_cast<std::uint64_t>(INT64_MAX);
}

}  // namespace

std::string_view InvalidField(simdjson::dom::element payload, std::string_view event_type) {
  for (const FieldRule& rule : kFieldRules) {
    if (!event_type.starts_with(rule.prefix)) continue;
    for (const Required& field : rule.fields) {
      if (field.name.empty()) continue;
      bool ok = false;
      for (const auto& path : field.alternatives) {
        if (path[0].empty()) continue;
        simdjson::dom::element value;
        if (At(payload, path).get(value) == simdjson::SUCCESS && Holds(value, field.want)) {
          ok = true;
          break;
        }
      }
      if (!ok) return field.name;
    }
    return {};
  }
  // snippet_check: its ids are optional, but when given must be ids.
  for (std::string_view key : {"snippet_id", "project_id"}) {
    simdjson::dom::element value;
    if (payload[key].get(value) == simdjson::SUCCESS && !value.is_null() && !Holds(value, Want::kPositiveId)) return key;
  }
  return {};
}

std::span<const std::string_view> AllEventTypes() { return kEventTypes; }

std::string_view DetectEventType(simdjson::dom::element payload, std::string_view gitlab_event) {
  for (std::string_view header : kIrrelevantHeaders) {
    if (gitlab_event == header) return {};
  }
  if (!payload.is_object()) return {};

  const std::string_view event_name = StringField(payload, "event_name");
  if (!event_name.empty()) {
    for (std::string_view type : kSystemEvents) {
      if (event_name == type) return type;
    }
    // Other system events (user_destroy, key_create, push, ...) are not
    // ours, except those that also carry an object_kind (merge requests).
  }

  std::string_view kind = StringField(payload, "object_kind");
  if (kind.empty()) return {};
  simdjson::dom::element attrs;
  if (payload["object_attributes"].get(attrs) != simdjson::SUCCESS || !attrs.is_object()) return {};

  if (kind == "work_item") {
    if (StringField(attrs, "type") != "Issue") return {};  // tasks, epics, ...
    kind = "issue";
  }
  if (kind == "note") return NoteType(attrs);

  const std::string_view action = StringField(attrs, "action");
  for (const ActionRule& rule : kActionRules) {
    if (kind == rule.object_kind && action == rule.action) return rule.type;
  }
  return {};
}

}  // namespace spamphibian
