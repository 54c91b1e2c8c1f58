#include "gitlab/item.h"

#include <algorithm>
#include <cctype>

namespace spamphibian::gitlab {

std::string_view Item::Text(std::string_view field) const {
  for (const auto& [k, v] : text) {
    if (k == field) return v;
  }
  return {};
}

nlohmann::json ToJson(const Item& item) {
  nlohmann::json text = nlohmann::json::array();
  for (const auto& [k, v] : item.text) text.push_back({k, v});
  return {
      {"type", item.type},
      {"id", item.id},
      {"event_type", item.event_type},
      {"web_url", item.web_url},
      {"visibility", item.visibility},
      {"created_at", item.created_at},
      {"updated_at", item.updated_at},
      {"author",
       {{"id", item.author.id},
        {"username", item.author.username},
        {"name", item.author.name},
        {"email", item.author.email},
        {"email_source", item.author.email_source},
        {"state", item.author.state},
        {"is_admin", item.author.is_admin},
        {"bot", item.author.bot},
        {"user_type", item.author.user_type},
        {"created_at", item.author.created_at},
        {"confirmed_at", item.author.confirmed_at},
        {"note", item.author.note}}},
      {"text", std::move(text)},
      {"refs", item.refs},
      {"raw", item.raw},
  };
}

Status FromJson(const nlohmann::json& j, Item* item) {
  if (!j.is_object() || !j.contains("type") || !j.contains("author")) {
    return Status::InvalidArgument("not an item: missing type or author");
  }
  try {
    *item = Item();
    item->type = j.at("type").get<std::string>();
    item->id = j.value("id", "");
    item->event_type = j.value("event_type", "");
    item->web_url = j.value("web_url", "");
    item->visibility = j.value("visibility", "");
    item->created_at = j.value("created_at", "");
    item->updated_at = j.value("updated_at", "");
    const auto& a = j.at("author");
    item->author.id = a.value("id", std::int64_t{0});
    item->author.username = a.value("username", "");
    item->author.name = a.value("name", "");
    item->author.email = a.value("email", "");
    item->author.email_source = a.value("email_source", "");
    item->author.state = a.value("state", "");
    item->author.is_admin = a.value("is_admin", false);
    item->author.bot = a.value("bot", false);
    item->author.user_type = a.value("user_type", "");
    item->author.created_at = a.value("created_at", "");
    item->author.confirmed_at = a.value("confirmed_at", "");
    item->author.note = a.value("note", "");
    for (const auto& pair : j.value("text", nlohmann::json::array())) {
      item->text.emplace_back(pair.at(0).get<std::string>(), pair.at(1).get<std::string>());
    }
    item->refs = j.value("refs", nlohmann::json::object());
    item->raw = j.value("raw", nlohmann::json::object());
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidArgument(std::string("malformed item: ") + e.what());
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
