#include "text/json_writer.h"

#include <simdjson.h>

#include <charconv>
#include <cmath>

#include "text/utf8.h"

namespace spamphibian::text {
namespace {

// Escapes valid UTF-8: the characters JSON requires escaped, and nothing
// else (bytes from 0x7F up pass as they are, as nlohmann writes them).
void AppendEscaped(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::size_t plain = 0;  // start of the run not yet copied
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out->append(s.data() + plain, i - plain);
    plain = i + 1;
    switch (c) {
      case '"': *out += "\\\""; break;
      case '\\': *out += "\\\\"; break;
      case '\b': *out += "\\b"; break;
      case '\f': *out += "\\f"; break;
      case '\n': *out += "\\n"; break;
      case '\r': *out += "\\r"; break;
      case '\t': *out += "\\t"; break;
      default:
        *out += "\\u00";
        *out += kHex[c >> 4];
        *out += kHex[c & 0xF];
    }
  }
  out->append(s.data() + plain, s.size() - plain);
}

template <typename Number>
void AppendInteger(Number n, std::string* out) {
  char buf[24];
  const auto end = std::to_chars(buf, buf + sizeof buf, n).ptr;
  out->append(buf, end);
}

void AppendFloat(double d, std::string* out) {
  if (!std::isfinite(d)) {  // JSON has no NaN or infinity; nlohmann writes null
    *out += "null";
    return;
  }
  char buf[32];
  const auto end = std::to_chars(buf, buf + sizeof buf, d).ptr;  // shortest that reads back the same
  const std::string_view text(buf, end - buf);
  out->append(text);
  // Still a float when read back: 3.0, not 3.
  if (text.find_first_of(".e") == std::string_view::npos) *out += ".0";
}

}  // namespace

void AppendJsonString(std::string_view s, std::string* out) {
  *out += '"';
  if (simdjson::validate_utf8(s.data(), s.size())) {
    AppendEscaped(s, out);
  } else {
    AppendEscaped(ValidUtf8(s), out);
  }
  *out += '"';
}

void AppendJson(const nlohmann::json& value, std::string* out) {
  using Type = nlohmann::json::value_t;
  switch (value.type()) {
    case Type::object: {
      *out += '{';
      bool first = true;
      for (auto it = value.begin(); it != value.end(); ++it) {
        if (!first) *out += ',';
        first = false;
        AppendJsonString(it.key(), out);
        *out += ':';
        AppendJson(it.value(), out);
      }
      *out += '}';
      return;
    }
    case Type::array: {
      *out += '[';
      bool first = true;
      for (const auto& element : value) {
        if (!first) *out += ',';
        first = false;
        AppendJson(element, out);
      }
      *out += ']';
      return;
    }
    case Type::string: AppendJsonString(value.get_ref<const std::string&>(), out); return;
    case Type::boolean: *out += value.get<bool>() ? "true" : "false"; return;
    case Type::number_integer: AppendInteger(value.get<std::int64_t>(), out); return;
    case Type::number_unsigned: AppendInteger(value.get<std::uint64_t>(), out); return;
    case Type::number_float: AppendFloat(value.get<double>(), out); return;
    case Type::null:
    case Type::discarded: *out += "null"; return;
    case Type::binary:  // never in a decision; written as nlohmann writes it
      *out += value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      return;
  }
}

}  // namespace spamphibian::text
