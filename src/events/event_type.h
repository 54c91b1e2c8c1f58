// The event types Spamphibian handles, and how to tell them from a GitLab
// hook payload. One table maps GitLab's payload shapes to our names; later
// stages key their work off these names.
#pragma once

#include <simdjson.h>

#include <span>
#include <string_view>

namespace spamphibian {

// Every event type the event service enqueues, e.g. "user_create",
// "issue_note_update", "snippet_check".
std::span<const std::string_view> AllEventTypes();

// Works out the event type of a hook payload. `gitlab_event` is the
// X-Gitlab-Event header ("System Hook", "Issue Hook", ... or empty).
// Returns "" when the event is none of ours (a push, a pipeline, a deleted
// wiki page, a comment on a commit ...): the caller answers 200 and drops it.
//
// System hooks name themselves with `event_name`; project and group
// webhooks with `object_kind` plus `object_attributes.action` (for notes,
// which have no action in older GitLab versions, a note is new when its
// created_at equals its updated_at). A work item is an issue when its
// `object_attributes.type` is "Issue".
std::string_view DetectEventType(simdjson::dom::element payload, std::string_view gitlab_event);

// The first field that `event_type` needs and `payload` lacks or holds in
// the wrong shape (ids must be positive integers, slugs non-empty text), by
// its name ("user_id", "project.id" ...); "" when the payload has them all.
// The event service answers 400 naming it and stores nothing.
std::string_view InvalidField(simdjson::dom::element payload, std::string_view event_type);

}  // namespace spamphibian
