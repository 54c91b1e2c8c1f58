// JSON text written straight into a string, for the hot paths that write a
// record per item (the decision). nlohmann's dump() is correct but builds a
// new string and an output adapter for every value it writes; written this
// way, a decision's strings go into one buffer with no allocation per value.
//
// The output is what nlohmann::json::dump(-1, ' ', false, replace) writes:
// compact, UTF-8 kept as it is, and any byte that is not well-formed UTF-8
// replaced by U+FFFD (item text is hostile input: never thrown on).
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace spamphibian::text {

// Appends `s` as a JSON string, quotes included.
void AppendJsonString(std::string_view s, std::string* out);

// Appends `value` as compact JSON text.
void AppendJson(const nlohmann::json& value, std::string* out);

}  // namespace spamphibian::text
