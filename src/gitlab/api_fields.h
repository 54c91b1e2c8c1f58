// Reading fields of GitLab API objects and hook payloads without throwing.
// GitLab's objects change shape between versions and hooks are hostile
// input: a missing key, a null, or a string where a number was expected
// reads as empty/0/false instead of raising.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <initializer_list>
#include <string>

namespace spamphibian::gitlab {

// A string field; a non-string value is given as its JSON text, a missing
// or null one as "".
inline std::string Str(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return {};
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return {};
  if (it->is_string()) return it->get<std::string>();
  return it->dump();
}

// An integer at a path of keys; a numeric string counts; anything else is 0.
inline std::int64_t Int(const nlohmann::json& j, std::initializer_list<const char*> path) {
  const nlohmann::json* cur = &j;
  for (const char* key : path) {
    if (!cur->is_object()) return 0;
    auto it = cur->find(key);
    if (it == cur->end()) return 0;
    cur = &*it;
  }
  if (cur->is_number_integer()) return cur->get<std::int64_t>();
  if (cur->is_string()) {
    try {
      return std::stoll(cur->get<std::string>());
    } catch (...) {
      return 0;
    }
  }
  return 0;
}

// A flag; anything but a JSON true is false.
inline bool Bool(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return false;
  auto it = j.find(key);
  return it != j.end() && it->is_boolean() && it->get<bool>();
}

}  // namespace spamphibian::gitlab
