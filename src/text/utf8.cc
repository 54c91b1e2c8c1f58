#include "text/utf8.h"

#include <simdjson.h>

namespace spamphibian::text {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

bool Continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Length of the well-formed sequence at in[i] (RFC 3629, the table of
// Unicode 15 §3.9), or 0 when it is not one.
std::size_t WellFormed(std::string_view in, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(in[i + k]); };
  const std::size_t left = in.size() - i;
  const unsigned char c = b(0);
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return left >= 2 && Continuation(b(1)) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (left < 3 || !Continuation(b(1)) || !Continuation(b(2))) return 0;
    if (c == 0xE0 && b(1) < 0xA0) return 0;  // overlong
    if (c == 0xED && b(1) > 0x9F) return 0;  // surrogates
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (left < 4 || !Continuation(b(1)) || !Continuation(b(2)) || !Continuation(b(3))) return 0;
    if (c == 0xF0 && b(1) < 0x90) return 0;  // overlong
    if (c == 0xF4 && b(1) > 0x8F) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

}  // namespace

std::string ValidUtf8(std::string_view in) {
  if (simdjson::validate_utf8(in.data(), in.size())) return std::string(in);
  std::string out;
  out.reserve(in.size() + 16);
  for (std::size_t i = 0; i < in.size();) {
    const std::size_t n = WellFormed(in, i);
    if (n == 0) {
      out += kReplacement;
      ++i;
      continue;
    }
    out.append(in.substr(i, n));
    i += n;
  }
  return out;
}

std::string_view CutUtf8(std::string_view in, std::size_t max_bytes) {
  if (in.size() <= max_bytes) return in;
  std::size_t end = max_bytes;
  // Step back over continuation bytes to the start of the cut character.
  while (end > 0 && Continuation(static_cast<unsigned char>(in[end]))) --end;
  return in.substr(0, end);
}

std::string_view DropCutCharacter(std::string_view in) {
  for (std::size_t back = 1; back <= 4 && back <= in.size(); ++back) {
    const auto c = static_cast<unsigned char>(in[in.size() - back]);
    if (Continuation(c)) continue;
    const std::size_t want = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    return want > back ? in.substr(0, in.size() - back) : in;
  }
  return in;
}

char32_t NextCodePoint(std::string_view s, std::size_t* i) {
  const unsigned char c = static_cast<unsigned char>(s[*i]);
  std::size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
  if (*i + len > s.size()) len = 1;
  char32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
  for (std::size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[*i + k]) & 0x3F);
  *i += len;
  return cp;
}

void AppendCodePoint(char32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

}  // namespace spamphibian::text
