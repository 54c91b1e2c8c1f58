// Records: what each stream of the pipeline carries (stages/pipeline.h), as
// typed records. This is the one place that names a stream entry's fields:
// a stage encodes the record it hands over and decodes the one it reads,
// and knows no other stage's field names.
//
// Encoding: flat fields of the stream entry. The record's header (what
// stages route, group and count by: ids, types, the verdict, the time) is
// in fields of its own, so a stage that needs only the header never parses
// the payload (the archive groups decisions without parsing them). The
// payload (an item, a decision) stays one JSON text, parsed once by the
// stage that reads it (with simdjson where only part of it is read).
//
// Versions: every record has the field "v" (kRecordVersion). An entry
// without it (written before records were versioned, or by a script that
// adds the payload alone) reads as version 0, its header taken from the
// payload. A version newer than this binary knows is InvalidArgument: the
// entry is dead-lettered with that error, never misread. A field added to a
// header since (a decision's "reviewed") does not change the version, so
// that a binary without it still reads the entry; absent, it reads as
// unknown, and a reader that needs it parses the payload as before.
//
// Decoded records are views into the entry: they live as long as it does.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"
#include "events/event_sink.h"
#include "stages/stage.h"

namespace spamphibian::records {

inline constexpr int kRecordVersion = 1;

// events: the edge (events/), the snippet check -> fetch. Written from the
// edge's record, its payload moved (a hook's body is never copied).
struct Event {
  std::string_view event_type;
  std::string_view payload;  // the hook's body, as GitLab sent it
  std::int64_t received_at_ms = 0;
  std::string_view delivery_id;
  std::string_view gitlab_event;
};
Fields Encode(EventRecord record);
Status Decode(const Entry& entry, Event* event);

// items (fetch -> trust) and candidates (trust -> classify, with signals).
struct Item {
  std::string_view item;     // gitlab::ToJson's text; read with gitlab::ParseItem
  std::string_view signals;  // AccountSignals as JSON text; "" on items
  std::string_view event_type;
  std::string_view event_id;  // the events entry it came from
  std::int64_t received_at_ms = 0;
};
Fields Encode(const Item& item);
Status Decode(const Entry& entry, Item* item);

// decisions and decision_log (classify, trust, fetch, the review queue,
// a purge -> act, review) and archive (classify -> archive).
struct Decision {
  std::string_view decision;  // decisions/decision.h's JSON, the item in it
  std::string_view decision_id;
  std::string_view verdict;
  std::string_view item_type;
  std::string_view item_id;
  std::string_view time;  // RFC 3339
  // Whether the decision carries a reviewer's answer ("review"), told by
  // its writer from the payload, so that the act stage can pass over an
  // unreviewed ham decision (most of all traffic) without parsing it.
  // Unknown for an entry written before the field: read the payload.
  enum class Review { kUnknown, kNone, kAnswered };
  Review review = Review::kUnknown;
};
Fields Encode(const Decision& decision);
// Decision::review from whether the payload has a "review".
inline Decision::Review Reviewed(bool has_review) {
  return has_review ? Decision::Review::kAnswered : Decision::Review::kNone;
}
// Version 0: the header is read from the payload, into `parsed` (which the
// views then point into); a payload that is not a decision is
// InvalidArgument.
Status Decode(const Entry& entry, Decision* decision, nlohmann::json* parsed);

// archive, a reviewer's label (review queue -> archive): an object for S3
// under labels/, its key chosen by the review store.
struct Label {
  std::string_view key;
  std::string_view object;
};
Fields Encode(const Label& label);
// NotFound when the entry is not a label (an evaluated decision).
Status Decode(const Entry& entry, Label* label);

// notifications (act -> notify).
struct Notification {
  std::string_view notification;  // JSON (notify/slack_message.h)
};
Fields Encode(const Notification& notification);
Status Decode(const Entry& entry, Notification* notification);

// audit (the act stage, the inline check, restore, model operations, the
// review queue -> people and tools).
struct Audit {
  std::string_view audit;  // JSON, one action taken or refused
  std::string_view action_id;
};
Fields Encode(const Audit& audit);

// A record's fields as XADD's arguments (field, value, ...), for the
// writers that append with a command or a script of their own.
std::vector<std::string> Flat(Fields fields);
// The whole command: XADD `stream` * and the fields.
std::vector<std::string> Xadd(std::string stream, Fields fields);

}  // namespace spamphibian::records
