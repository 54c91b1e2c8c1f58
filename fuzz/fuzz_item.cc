// libFuzzer target: item normalisation from GitLab API JSON (an object of each type,
// and an item as it travels between stages), then serialisation. Hostile
// text must never make a stage throw.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

#include "gitlab/fetcher.h"
#include "gitlab/item.h"
#include "text/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  (void)spamphibian::text::ValidUtf8(text);
  (void)spamphibian::text::DropCutCharacter(text);
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return 0;
  if (j.is_object()) {
    for (std::string_view type : spamphibian::gitlab::kItemTypes) {
      spamphibian::gitlab::Item item;
      if (spamphibian::gitlab::Normalize(type, j, &item).ok()) {
        (void)spamphibian::gitlab::ToJson(item).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      }
    }
  }
  spamphibian::gitlab::Item item;
  if (spamphibian::gitlab::FromJson(j, &item).ok()) {
    (void)spamphibian::gitlab::ToJson(item).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  return 0;
}
