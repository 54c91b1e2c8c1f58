// libFuzzer target: GitLab's spam-check requests as the inline check reads
// them. The first byte picks the message (Issue, Snippet, Generic), the
// rest is its wire form: parsed by protobuf, mapped to an Item
// (inline_check/inline_request.h) and rendered as the model would see it.
// Nothing may crash, hang or read out of bounds, whatever the bytes.
#include <chrono>
#include <cstdint>

#include "classify/campaigns.h"
#include "classify/text_rendering.h"
#include "inline_check/inline_request.h"

using spamphibian::inline_check::InlineRequest;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const auto now = std::chrono::system_clock::from_time_t(1800000000);
  const void* bytes = data + 1;
  const int n = static_cast<int>(size - 1);
  InlineRequest r;
  spamphibian::Status s = spamphibian::Status::InvalidArgument("unparsed");
  switch (data[0] % 3) {
    case 0: {
      spamcheck::Issue m;
      if (m.ParseFromArray(bytes, n)) s = spamphibian::inline_check::FromIssue(m, now, &r);
      break;
    }
    case 1: {
      spamcheck::Snippet m;
      if (m.ParseFromArray(bytes, n)) s = spamphibian::inline_check::FromSnippet(m, now, &r);
      break;
    }
    default: {
      spamcheck::Generic m;
      if (m.ParseFromArray(bytes, n)) s = spamphibian::inline_check::FromGeneric(m, now, &r);
      break;
    }
  }
  if (!s.ok()) return 0;
  spamphibian::classify::ItemContext context;
  context.email_domain = spamphibian::gitlab::EmailDomain(r.item.author.email);
  const auto rendering = spamphibian::classify::Render(r.item, context);
  (void)spamphibian::classify::CampaignKeyOf(r.item, rendering);
  return 0;
}
