#include "gitlab/item.h"

#include <algorithm>
#include <cctype>

#include <simdjson.h>

namespace spamphibian::gitlab {

std::string_view Item::Text(std::string_view field) const {
  for (const auto& [k, v] : text) {
    if (k == field) return v;
  }
  return {};
}

namespace {

// The item's scalar fields and their names in the JSON: the one list that
// ToJson, FromJson and ParseItem all follow.
constexpr std::pair<const char*, std::string Item::*> kItemStrings[] = {
    {"id", &Item::id},           {"event_type", &Item::event_type}, {"web_url", &Item::web_url},
    {"visibility", &Item::visibility}, {"created_at", &Item::created_at}, {"updated_at", &Item::updated_at}};
constexpr std::pair<const char*, std::string Author::*> kAuthorStrings[] = {
    {"username", &Author::username},   {"name", &Author::name},
    {"email", &Author::email},         {"email_source", &Author::email_source},
    {"state", &Author::state},         {"user_type", &Author::user_type},
    {"created_at", &Author::created_at}, {"confirmed_at", &Author::confirmed_at},
    {"note", &Author::note}};
constexpr std::pair<const char*, bool Author::*> kAuthorFlags[] = {{"is_admin", &Author::is_admin}, {"bot", &Author::bot}};

Status NotAnItem() { return Status::InvalidArgument("not an item: missing type or author"); }
Status Malformed(std::string_view why) { return Status::InvalidArgument("malformed item: " + std::string(why)); }

// The value of `name` in `object` as nlohmann reads it: keys compared
// unescaped, and of a repeated key the last. (simdjson's operator[] takes
// the first and compares keys as written.)
bool Field(simdjson::dom::object object, std::string_view name, simdjson::dom::element* out) {
  bool found = false;
  for (const auto field : object) {
    if (field.key == name) {
      *out = field.value;
      found = true;
    }
  }
  return found;
}

// ParseItem's readers: absent is the default, present of another type an
// error (as nlohmann's value() throws).
bool ReadString(simdjson::dom::object object, const char* name, std::string* out) {
  simdjson::dom::element value;
  if (!Field(object, name, &value)) return true;
  std::string_view s;
  if (value.get_string().get(s) != simdjson::SUCCESS) return false;
  out->assign(s);
  return true;
}

bool ReadFlag(simdjson::dom::object object, const char* name, bool* out) {
  simdjson::dom::element value;
  return !Field(object, name, &value) || value.get_bool().get(*out) == simdjson::SUCCESS;
}

// An author id: an integer, or a float within int64's range (cast); not a
// boolean or a string. The same rule for both readers (nlohmann's get()
// would take true as 1 and cast any float, out of range included).
bool IdInRange(double d) { return d >= -9.2e18 && d <= 9.2e18; }

bool ReadId(const nlohmann::json& author, std::int64_t* out) {
  if (!author.is_object() || !author.contains("id")) return true;
  const nlohmann::json& id = author["id"];
  if (id.is_number_integer()) return *out = id.get<std::int64_t>(), true;
  if (id.is_number_float() && IdInRange(id.get<double>())) return *out = static_cast<std::int64_t>(id.get<double>()), true;
  return false;
}

bool ReadId(simdjson::dom::object object, std::int64_t* out) {
  simdjson::dom::element value;
  if (!Field(object, "id", &value)) return true;
  std::uint64_t u = 0;
  double d = 0;
  if (value.get_int64().get(*out) == simdjson::SUCCESS) return true;
  if (value.get_uint64().get(u) == simdjson::SUCCESS) return *out = static_cast<std::int64_t>(u), true;
  if (value.get_double().get(d) == simdjson::SUCCESS && IdInRange(d)) {
    return *out = static_cast<std::int64_t>(d), true;
  }
  return false;
}

// A subtree as nlohmann's tree (refs, raw: read whole only when asked).
bool ReadTree(simdjson::dom::object object, const char* name, nlohmann::json* out) {
  simdjson::dom::element value;
  if (!Field(object, name, &value)) return true;
  *out = nlohmann::json::parse(simdjson::minify(value), nullptr, false);
  return !out->is_discarded();
}

}  // namespace

nlohmann::json ToJson(const Item& item) {
  nlohmann::json text = nlohmann::json::array();
  for (const auto& [k, v] : item.text) text.push_back({k, v});
  nlohmann::json author = {{"id", item.author.id}};
  for (const auto& [name, field] : kAuthorStrings) author[name] = item.author.*field;
  for (const auto& [name, field] : kAuthorFlags) author[name] = item.author.*field;
  nlohmann::json j = {{"type", item.type}, {"author", std::move(author)}, {"text", std::move(text)},
                      {"refs", item.refs},  {"raw", item.raw}};
  for (const auto& [name, field] : kItemStrings) j[name] = item.*field;
  return j;
}

Status FromJson(const nlohmann::json& j, Item* item) {
  if (!j.is_object() || !j.contains("type") || !j.contains("author")) return NotAnItem();
  try {
    *item = Item();
    item->type = j.at("type").get<std::string>();
    for (const auto& [name, field] : kItemStrings) item->*field = j.value(name, "");
    const auto& a = j.at("author");
    if (!ReadId(a, &item->author.id)) return Malformed("author.id is not a number");
    for (const auto& [name, field] : kAuthorStrings) item->author.*field = a.value(name, "");
    for (const auto& [name, field] : kAuthorFlags) item->author.*field = a.value(name, false);
    if (j.contains("text") && !j["text"].is_array()) return Malformed("text is not an array");
    for (const auto& pair : j.value("text", nlohmann::json::array())) {
      item->text.emplace_back(pair.at(0).get<std::string>(), pair.at(1).get<std::string>());
    }
    item->refs = j.value("refs", nlohmann::json::object());
    item->raw = j.value("raw", nlohmann::json::object());
  } catch (const nlohmann::json::exception& e) {
    return Malformed(e.what());
  }
  return Status::Ok();
}

Status ParseItem(std::string_view json, ItemParts parts, Item* item) {
  thread_local simdjson::dom::parser parser;
  *item = Item();
  simdjson::dom::object j;
  if (const auto error = parser.parse(json.data(), json.size()).get_object().get(j); error != simdjson::SUCCESS) {
    return error == simdjson::INCORRECT_TYPE ? NotAnItem() : Malformed(simdjson::error_message(error));
  }
  simdjson::dom::element type, author, text;
  simdjson::dom::object a;
  if (!Field(j, "type", &type) || !Field(j, "author", &author)) return NotAnItem();
  if (!ReadString(j, "type", &item->type)) return Malformed("type is not a string");
  if (author.get_object().get(a) != simdjson::SUCCESS) return Malformed("author is not an object");
  for (const auto& [name, field] : kItemStrings) {
    if (!ReadString(j, name, &(item->*field))) return Malformed(std::string(name) + " is not a string");
  }
  if (!ReadId(a, &item->author.id)) return Malformed("author.id is not a number");
  for (const auto& [name, field] : kAuthorStrings) {
    if (!ReadString(a, name, &(item->author.*field))) return Malformed("author." + std::string(name) + " is not a string");
  }
  for (const auto& [name, field] : kAuthorFlags) {
    if (!ReadFlag(a, name, &(item->author.*field))) return Malformed("author." + std::string(name) + " is not a boolean");
  }
  if (Field(j, "text", &text)) {
    simdjson::dom::array pairs;
    if (text.get_array().get(pairs) != simdjson::SUCCESS) return Malformed("text is not an array");
    for (simdjson::dom::element pair : pairs) {
      std::string_view field, value;
      if (pair.at(0).get_string().get(field) != simdjson::SUCCESS ||
          pair.at(1).get_string().get(value) != simdjson::SUCCESS) {
        return Malformed("text holds something other than [field, text] pairs");
      }
      item->text.emplace_back(field, value);
    }
  }
  if (parts == ItemParts::kAll && (!ReadTree(j, "refs", &item->refs) || !ReadTree(j, "raw", &item->raw))) {
    return Malformed("refs or raw");
  }
  return Status::Ok();
}

std::string EmailDomain(std::string_view email) {
  const std::size_t at = email.rfind('@');
  if (at == std::string_view::npos || at + 1 >= email.size()) return {};
  std::string domain(email.substr(at + 1));
  std::transform(domain.begin(), domain.end(), domain.begin(), [](unsigned char c) { return std::tolower(c); });
  while (!domain.empty() && (domain.back() == '.' || domain.back() == '>' || std::isspace(static_cast<unsigned char>(domain.back())))) {
    domain.pop_back();
  }
  return domain;
}

}  // namespace spamphibian::gitlab
