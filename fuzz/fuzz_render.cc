// libFuzzer target: the classifier's view of hostile text. Any bytes (made
// valid UTF-8 first, as every item's text is) go through the rendering:
// the skeleton (look-alikes, zero-width characters, defanged links), link
// extraction with the Public Suffix List, the text's shape, the words and
// the SimHash. None of it may crash, hang or read out of bounds.
#include <cstdint>
#include <string>

#include "classify/campaigns.h"
#include "classify/links.h"
#include "classify/text_rendering.h"
#include "text/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text = spamphibian::text::ValidUtf8(std::string(reinterpret_cast<const char*>(data), size));
  spamphibian::gitlab::Item item;
  item.type = size % 2 ? "user" : "note";
  item.web_url = "https://gitlab.example.org/x";
  item.author.username = text.substr(0, 16);
  item.text = {{"bio", text}, {"website_url", text.substr(0, 64)}};
  spamphibian::classify::ItemContext context;
  context.email_domain = "example.com";
  const auto r = spamphibian::classify::Render(item, context);
  (void)spamphibian::classify::SimHash(r.words);
  (void)spamphibian::classify::Skeleton(text);
  return 0;
}
