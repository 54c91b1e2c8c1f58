// UTF-8 for text that came from outside (GitLab content, hook bodies): make
// it valid before it reaches a JSON serialiser (nlohmann's dump() throws on
// invalid UTF-8) and cut it only between characters.
//
// Spam is hostile input: any byte sequence may arrive. These functions never
// fail and never throw.
#pragma once

#include <string>
#include <string_view>

namespace spamphibian::text {

// `in` with every byte that is not part of a well-formed UTF-8 sequence
// (stray continuation bytes, overlong forms, surrogates, truncated
// sequences, code points above U+10FFFF) replaced by U+FFFD. Valid input is
// returned unchanged (checked first with simdjson's validator, so the common
// case costs one fast pass).
std::string ValidUtf8(std::string_view in);

// The longest prefix of `in` of at most `max_bytes` that does not end inside
// a multi-byte sequence. `in` is assumed valid (call ValidUtf8 first).
std::string_view CutUtf8(std::string_view in, std::size_t max_bytes);

// `in` without a multi-byte character cut short at its end (what a read
// capped at N bytes leaves); everything else unchanged.
std::string_view DropCutCharacter(std::string_view in);

// The code point at in[*i], advancing *i past it. For valid UTF-8; a byte
// that starts no sequence (or one cut short by the end) is read alone, as
// its own value, so that a loop over any input ends.
char32_t NextCodePoint(std::string_view in, std::size_t* i);

// Appends `cp` encoded as UTF-8.
void AppendCodePoint(char32_t cp, std::string* out);

}  // namespace spamphibian::text
