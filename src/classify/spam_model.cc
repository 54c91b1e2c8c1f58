#include "classify/spam_model.h"

#include <cmath>
#include <fstream>
#include <sstream>

#include "classify/child_check.h"

namespace spamphibian::classify {
namespace {

constexpr std::string_view kMagic = "SPAMPHIBIAN-MODEL 1\n";
constexpr std::size_t kMaxHeaderBytes = 16 << 20;

Status ParseThresholds(const nlohmann::json& j, std::map<std::string, Thresholds>* out) {
  if (!j.is_object()) return Status::InvalidArgument("thresholds: not an object");
  for (const auto& [type, t] : j.items()) {
    if (!t.is_object() || !t.contains("spam") || !t.contains("suspicious") || !t["spam"].is_number() ||
        !t["suspicious"].is_number()) {
      return Status::InvalidArgument("thresholds." + type + ": needs numbers spam and suspicious");
    }
    const Thresholds th{t["spam"].get<double>(), t["suspicious"].get<double>()};
    if (!(th.suspicious >= 0 && th.suspicious <= th.spam && th.spam <= 1)) {
      return Status::InvalidArgument("thresholds." + type + ": needs 0 <= suspicious <= spam <= 1");
    }
    (*out)[type] = th;
  }
  return Status::Ok();
}

}  // namespace

Status SpamModel::Load(const std::string& path, std::shared_ptr<const SpamModel>* out) {
  return LoadCheckedInChild(path, out);
}

Status SpamModel::LoadUnchecked(const std::string& path, std::shared_ptr<const SpamModel>* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::InvalidArgument("model '" + path + "': cannot read it");
  auto model = std::make_shared<SpamModel>();
  std::string magic(kMagic.size(), '\0');
  in.read(magic.data(), static_cast<std::streamsize>(magic.size()));
  if (!in || magic != kMagic) {  // a plain fastText model
    if (Status s = FastTextModel::LoadUnchecked(path, &model->words_); !s.ok()) return s;
    *out = std::move(model);
    return Status::Ok();
  }
  std::string length_line;
  std::getline(in, length_line);
  std::size_t length = 0;
  try {
    length = std::stoul(length_line);
  } catch (...) {
    return Status::InvalidArgument("model '" + path + "': damaged bundle (no header length)");
  }
  if (length == 0 || length > kMaxHeaderBytes) {
    return Status::InvalidArgument("model '" + path + "': damaged bundle (header length " + length_line + ")");
  }
  std::string header(length, '\0');
  in.read(header.data(), static_cast<std::streamsize>(length));
  if (!in) return Status::InvalidArgument("model '" + path + "': damaged bundle (header cut short)");
  const nlohmann::json j = nlohmann::json::parse(header, nullptr, false);
  if (!j.is_object()) return Status::InvalidArgument("model '" + path + "': damaged bundle (header is not JSON)");
  Combiner combiner;
  if (Status s = Combiner::FromJson(j.value("combiner", nlohmann::json()), &combiner); !s.ok()) {
    return Status::InvalidArgument("model '" + path + "': " + s.message());
  }
  model->combiner_ = combiner;
  if (Status s = ParseThresholds(j.value("thresholds", nlohmann::json::object()), &model->thresholds_); !s.ok()) {
    return Status::InvalidArgument("model '" + path + "': " + s.message());
  }
  model->card_ = j.value("card", nlohmann::json::object());
  if (Status s = FastTextModel::LoadFromStream(in, path, &model->words_); !s.ok()) return s;
  *out = std::move(model);
  return Status::Ok();
}

Status SpamModel::WriteBundle(const std::string& path, const std::string& fasttext_path, const Combiner& combiner,
                              const std::map<std::string, Thresholds>& thresholds, const nlohmann::json& card) {
  std::ifstream words(fasttext_path, std::ios::binary);
  if (!words) return Status::InvalidArgument("cannot read '" + fasttext_path + "'");
  nlohmann::json t = nlohmann::json::object();
  for (const auto& [type, th] : thresholds) t[type] = {{"spam", th.spam}, {"suspicious", th.suspicious}};
  const std::string header = nlohmann::json{{"combiner", combiner.ToJson()}, {"thresholds", t}, {"card", card}}.dump();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << kMagic << header.size() << '\n' << header << words.rdbuf();
  out.close();
  return out ? Status::Ok() : Status::Internal("cannot write '" + path + "'");
}

Score SpamModel::Predict(const Rendering& r, int top_k) const {
  Score score;
  Prediction p = words_->Predict(r.text, top_k);
  score.words_probability = p.spam_probability;
  score.top_tokens = std::move(p.top_tokens);
  if (!combiner_) {
    score.probability = p.spam_probability;
    return score;
  }
  score.probability = std::clamp(combiner_->Probability(p.spam_probability, r.features), 0.0, 1.0);
  if (top_k > 0) score.top_features = combiner_->TopReasons(p.spam_probability, r.features, static_cast<std::size_t>(top_k));
  return score;
}

std::optional<Thresholds> SpamModel::ThresholdsFor(const std::string& item_type) const {
  if (auto it = thresholds_.find(item_type); it != thresholds_.end()) return it->second;
  if (auto it = thresholds_.find("default"); it != thresholds_.end()) return it->second;
  return std::nullopt;
}

}  // namespace spamphibian::classify
