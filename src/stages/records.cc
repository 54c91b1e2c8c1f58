#include "stages/records.h"

#include <charconv>

namespace spamphibian::records {
namespace {

constexpr std::string_view kVersion = "v";
const std::string kVersionText = std::to_string(kRecordVersion);

// The entry's version: 0 without the field; InvalidArgument past ours.
Status VersionOf(const Entry& entry, int* version) {
  const std::string_view v = entry.Get(kVersion);
  *version = 0;
  if (v.empty()) return Status::Ok();
  const auto [end, error] = std::from_chars(v.data(), v.data() + v.size(), *version);
  if (error != std::errc() || end != v.data() + v.size() || *version < 0) {
    return Status::InvalidArgument("record version '" + std::string(v) + "' is not a number");
  }
  if (*version > kRecordVersion) {
    return Status::InvalidArgument("record version " + std::string(v) + " is newer than this binary reads (" +
                                   kVersionText + "): upgrade every process of the pipeline");
  }
  return Status::Ok();
}

std::int64_t Millis(std::string_view text) {
  std::int64_t ms = 0;
  std::from_chars(text.data(), text.data() + text.size(), ms);
  return ms;
}

// The fields of a record: its version first.
Fields Versioned(std::size_t n) {
  Fields fields;
  fields.reserve(n + 1);
  fields.emplace_back(kVersion, kVersionText);
  return fields;
}

std::string_view StringIn(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? std::string_view(it->get_ref<const std::string&>()) : std::string_view();
}

}  // namespace

Fields Encode(EventRecord record) {
  Fields fields = Versioned(5);
  fields.emplace_back("event_type", std::string(record.event_type));
  fields.emplace_back("received_at", std::to_string(record.received_at_ms));
  fields.emplace_back("delivery_id", std::move(record.delivery_id));
  fields.emplace_back("gitlab_event", std::move(record.gitlab_event));
  fields.emplace_back("payload", std::move(record.payload));
  return fields;
}

Status Decode(const Entry& entry, Event* event) {
  int version = 0;
  if (Status s = VersionOf(entry, &version); !s.ok()) return s;
  event->event_type = entry.Get("event_type");
  event->payload = entry.Get("payload");
  event->received_at_ms = Millis(entry.Get("received_at"));
  event->delivery_id = entry.Get("delivery_id");
  event->gitlab_event = entry.Get("gitlab_event");
  if (event->event_type.empty()) return Status::InvalidArgument("an event without event_type");
  return Status::Ok();
}

Fields Encode(const Item& item) {
  Fields fields = Versioned(5);
  fields.emplace_back("item", std::string(item.item));
  if (!item.signals.empty()) fields.emplace_back("signals", std::string(item.signals));
  fields.emplace_back("event_type", std::string(item.event_type));
  fields.emplace_back("event_id", std::string(item.event_id));
  fields.emplace_back("received_at", std::to_string(item.received_at_ms));
  return fields;
}

Status Decode(const Entry& entry, Item* item) {
  int version = 0;
  if (Status s = VersionOf(entry, &version); !s.ok()) return s;
  item->item = entry.Get("item");
  item->signals = entry.Get("signals");
  item->event_type = entry.Get("event_type");
  item->event_id = entry.Get("event_id");
  item->received_at_ms = Millis(entry.Get("received_at"));
  if (item->item.empty()) return Status::InvalidArgument("an item entry without its item");
  return Status::Ok();
}

Fields Encode(const Decision& d) {
  Fields fields = Versioned(7);
  fields.emplace_back("decision", std::string(d.decision));
  fields.emplace_back("decision_id", std::string(d.decision_id));
  fields.emplace_back("verdict", std::string(d.verdict));
  fields.emplace_back("item_type", std::string(d.item_type));
  fields.emplace_back("item_id", std::string(d.item_id));
  fields.emplace_back("time", std::string(d.time));
  // Not a new version: a binary without the field reads the entry as before.
  if (d.review != Decision::Review::kUnknown) {
    fields.emplace_back("reviewed", d.review == Decision::Review::kAnswered ? "1" : "0");
  }
  return fields;
}

Status Decode(const Entry& entry, Decision* d, nlohmann::json* parsed) {
  int version = 0;
  if (Status s = VersionOf(entry, &version); !s.ok()) return s;
  d->decision = entry.Get("decision");
  if (d->decision.empty()) return Status::InvalidArgument("not a decision entry");
  if (version >= 1) {
    d->decision_id = entry.Get("decision_id");
    d->verdict = entry.Get("verdict");
    d->item_type = entry.Get("item_type");
    d->item_id = entry.Get("item_id");
    d->time = entry.Get("time");
    const std::string_view reviewed = entry.Get("reviewed");
    d->review = reviewed == "1"   ? Decision::Review::kAnswered
                : reviewed == "0" ? Decision::Review::kNone
                                  : Decision::Review::kUnknown;
    return Status::Ok();
  }
  // Version 0: the decision alone (written before versions, or by the
  // review queue's script); its header is in it.
  *parsed = nlohmann::json::parse(d->decision, nullptr, false);
  if (!parsed->is_object()) return Status::InvalidArgument("not a decision");
  d->decision_id = StringIn(*parsed, "decision_id");
  d->verdict = StringIn(*parsed, "verdict");
  d->item_type = StringIn(*parsed, "item_type");
  d->item_id = StringIn(*parsed, "item_id");
  d->time = StringIn(*parsed, "time");
  return Status::Ok();
}

Fields Encode(const Label& label) {
  Fields fields = Versioned(2);
  fields.emplace_back("key", std::string(label.key));
  fields.emplace_back("object", std::string(label.object));
  return fields;
}

Status Decode(const Entry& entry, Label* label) {
  int version = 0;
  if (Status s = VersionOf(entry, &version); !s.ok()) return s;
  label->key = entry.Get("key");
  label->object = entry.Get("object");
  if (label->object.empty()) return Status::NotFound("not a label");
  return Status::Ok();
}

Fields Encode(const Notification& n) {
  Fields fields = Versioned(1);
  fields.emplace_back("notification", std::string(n.notification));
  return fields;
}

Status Decode(const Entry& entry, Notification* n) {
  int version = 0;
  if (Status s = VersionOf(entry, &version); !s.ok()) return s;
  n->notification = entry.Get("notification");
  if (n->notification.empty()) return Status::InvalidArgument("not a notification entry");
  return Status::Ok();
}

Fields Encode(const Audit& audit) {
  Fields fields = Versioned(2);
  fields.emplace_back("audit", std::string(audit.audit));
  fields.emplace_back("action_id", std::string(audit.action_id));
  return fields;
}

std::vector<std::string> Flat(Fields fields) {
  std::vector<std::string> flat;
  flat.reserve(fields.size() * 2);
  for (auto& [k, v] : fields) {
    flat.push_back(std::move(k));
    flat.push_back(std::move(v));
  }
  return flat;
}

std::vector<std::string> Xadd(std::string stream, Fields fields) {
  std::vector<std::string> command = {"XADD", std::move(stream), "*"};
  for (auto& f : Flat(std::move(fields))) command.push_back(std::move(f));
  return command;
}

}  // namespace spamphibian::records
