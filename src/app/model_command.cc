#include "app/model_command.h"
#include "security/crypto.h"

#include <fstream>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "classify/child_check.h"
#include "classify/spam_model.h"
#include "storage/s3_object_store.h"

namespace spamphibian {

int RunModelCheck(const std::string& path, bool quiet) {
  std::shared_ptr<const classify::SpamModel> model;
  if (Status s = classify::LoadUnderLimits(path, &model); !s.ok()) {
    // --quiet is the service asking: the message alone, it names the file.
    std::cerr << (quiet ? "" : "spamphibian model check: ") << s.message() << "\n";
    return 1;
  }
  if (quiet) return 0;
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  nlohmann::json thresholds = nlohmann::json::object();
  for (const char* type : {"default", "user", "project", "group", "issue", "note", "merge_request", "wiki_page",
                           "snippet"}) {
    if (auto t = model->ThresholdsFor(type)) thresholds[type] = {{"spam", t->spam}, {"suspicious", t->suspicious}};
  }
  const nlohmann::json out = {{"path", path},
                              {"version", security::Sha256Hex(bytes.str()).substr(0, 12)},
                              {"format", model->has_combiner() ? "bundle" : "fasttext"},
                              {"thresholds", thresholds},
                              {"card", model->card()}};
  std::cout << out.dump(2) << "\n";
  return 0;
}

}  // namespace spamphibian
