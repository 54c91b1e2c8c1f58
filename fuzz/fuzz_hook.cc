// libFuzzer target: hook parsing and event-type detection, as /events does
// them: any bytes as the body, the X-Gitlab-Event header from the input's
// first byte. Must never crash, and a detected type must be one we know.
#include <simdjson.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "events/event_type.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static constexpr std::string_view kHeaders[] = {"", "System Hook", "Issue Hook", "Note Hook", "Project Hook",
                                                  "Push Hook", "Merge Request Hook", "Wiki Page Hook"};
  if (size == 0) return 0;
  const std::string_view header = kHeaders[data[0] % std::size(kHeaders)];
  static simdjson::dom::parser parser(1 << 20);
  simdjson::dom::element doc;
  if (parser.parse(reinterpret_cast<const char*>(data + 1), size - 1).get(doc) != simdjson::SUCCESS) return 0;
  const std::string_view type = spamphibian::DetectEventType(doc, header);
  if (type.empty()) return 0;
  const auto all = spamphibian::AllEventTypes();
  if (std::find(all.begin(), all.end(), type) == all.end()) std::abort();
  (void)spamphibian::InvalidField(doc, type);
  return 0;
}
