// libFuzzer target: the bundled model on any line. The words model scores a
// line by its rows' pushes (classify/fasttext_model.h); this target holds
// that path to fastText's own on whatever the fuzzer writes (any bytes, not
// only a rendering's tidy tokens): the two probabilities must agree within
// 1e-4, and neither may crash or read outside its tables. The same bytes,
// made valid UTF-8, then go through the rendering and the whole model.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "classify/spam_model.h"
#include "classify/text_rendering.h"
#include "text/utf8.h"

namespace {

const spamphibian::classify::SpamModel& Model() {
  static const auto model = [] {
    std::shared_ptr<const spamphibian::classify::SpamModel> m;
    // Unchecked: the bundled file is known good, and the child-process
    // check would run the service's binary, which a fuzzer is not.
    if (!spamphibian::classify::SpamModel::LoadUnchecked(SPAMPHIBIAN_DEFAULT_MODEL, &m).ok()) std::abort();
    if (!m->words().scores_by_push()) std::abort();  // nothing would be compared
    return m;
  }();
  return *model;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& model = Model();
  const std::string line(reinterpret_cast<const char*>(data), size);
  const double push = model.words().Predict(line, 5).spam_probability;
  const double library = model.words().PredictWithLibrary(line, 5).spam_probability;
  if (!(push >= 0 && push <= 1) || std::abs(push - library) > 1e-4) {
    std::fprintf(stderr, "pushes %.9f, library %.9f\n", push, library);
    std::abort();
  }
  spamphibian::gitlab::Item item;
  item.type = size % 2 ? "user" : "issue";
  item.text = {{"description", spamphibian::text::ValidUtf8(line)}};
  const double p = model.Predict(spamphibian::classify::Render(item, spamphibian::classify::ItemContext{}), 5).probability;
  if (!(p >= 0 && p <= 1)) std::abort();
  return 0;
}
