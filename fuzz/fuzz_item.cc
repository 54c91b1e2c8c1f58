// libFuzzer target: item normalisation from GitLab API JSON (an object of each type,
// and an item as it travels between stages), then serialisation. Hostile
// text must never make a stage throw. The item's two readers, simdjson's
// (ParseItem, what trust and classify use) and the tree's (FromJson), must
// agree on every input: both refuse it, or both read the same item.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "gitlab/fetcher.h"
#include "gitlab/item.h"
#include "text/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  (void)spamphibian::text::ValidUtf8(text);
  (void)spamphibian::text::DropCutCharacter(text);
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  spamphibian::gitlab::Item parsed;
  const bool parsed_ok = spamphibian::gitlab::ParseItem(text, spamphibian::gitlab::ItemParts::kAll, &parsed).ok();
  if (j.is_discarded()) {
    if (parsed_ok) std::abort();  // simdjson read what is not JSON to nlohmann
    return 0;
  }
  if (j.is_object()) {
    for (std::string_view type : spamphibian::gitlab::kItemTypes) {
      spamphibian::gitlab::Item item;
      if (spamphibian::gitlab::Normalize(type, j, &item).ok()) {
        (void)spamphibian::gitlab::ToJson(item).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      }
    }
  }
  spamphibian::gitlab::Item item;
  const bool tree_ok = spamphibian::gitlab::FromJson(j, &item).ok();
  if (tree_ok) {
    (void)spamphibian::gitlab::ToJson(item).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  if (tree_ok != parsed_ok) std::abort();
  if (tree_ok && spamphibian::gitlab::ToJson(item) != spamphibian::gitlab::ToJson(parsed)) std::abort();
  return 0;
}
