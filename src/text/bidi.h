// Unicode bidirectional controls (U+202A-U+202E embeddings and overrides,
// U+2066-U+2069 isolates) reorder the text after them: a spam link shown
// to a reviewer as "https://gitlab.com/<U+202E>gpj.exe/..." reads as
// something it is not. Wherever spam is shown to a person (Slack, logs;
// the review page does the same in its script) they become visible marks.
#pragma once

#include <string>
#include <string_view>

namespace spamphibian::text {

// `text` with each bidirectional control replaced by "[U+202E]" (its code
// point). Cheap when there is none (one scan for their lead byte).
std::string ShowBidiControls(std::string_view text);

}  // namespace spamphibian::text
