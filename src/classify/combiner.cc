#include "classify/combiner.h"

#include <linear.h>

#include <algorithm>
#include <cmath>

namespace spamphibian::classify {
namespace {

constexpr const char* kLogitName = "fasttext_logit";

std::string InputName(std::size_t i) {
  if (i == 0) return kLogitName;
  if (i <= kFeatureCount) return std::string(kFeatureNames[i - 1]);
  return std::string(kLogitName) + "*" + std::string(kFeatureNames[kFeatureCount - 9 + (i - 1 - kFeatureCount)]);
}

void Quiet(const char*) {}

}  // namespace

double Logit(double p) {
  p = std::clamp(p, 1e-6, 1 - 1e-6);
  return std::clamp(std::log(p / (1 - p)), -8.0, 8.0);
}

void Combiner::Inputs(double fasttext_probability, const FeatureVector& f, std::array<double, kInputs>* x) {
  const double logit = Logit(fasttext_probability) / 4;  // about [-2, 2], like the other inputs
  (*x)[0] = logit;
  for (std::size_t i = 0; i < kFeatureCount; ++i) (*x)[1 + i] = f[i];
  for (std::size_t t = 0; t < kTypes; ++t) (*x)[1 + kFeatureCount + t] = logit * f[kFeatureCount - kTypes + t];
}

Status Combiner::Train(const std::vector<Sample>& samples, double c, Combiner* out) {
  if (samples.empty()) return Status::InvalidArgument("no samples to train the combiner on");
  // Debian's liblinear (2.3) has no per-example weights: an example of
  // weight w counts round(w) times.
  std::vector<Sample> expanded;
  for (const Sample& s : samples) {
    for (int k = 0; k < std::max(1, static_cast<int>(s.weight + 0.5)); ++k) expanded.push_back(s);
  }
  return TrainUnweighted(expanded, c, out);
}

Status Combiner::TrainUnweighted(const std::vector<Sample>& samples, double c, Combiner* out) {
  std::vector<std::array<double, kInputs>> xs(samples.size());
  std::vector<std::vector<feature_node>> nodes(samples.size());
  std::vector<feature_node*> rows(samples.size());
  std::vector<double> labels(samples.size());
  for (std::size_t n = 0; n < samples.size(); ++n) {
    Inputs(samples[n].fasttext_probability, samples[n].features, &xs[n]);
    for (std::size_t i = 0; i < kInputs; ++i) {
      if (xs[n][i] != 0) nodes[n].push_back({static_cast<int>(i + 1), xs[n][i]});
    }
    nodes[n].push_back({-1, 0});
    rows[n] = nodes[n].data();
    labels[n] = samples[n].spam ? 1 : -1;
  }
  problem prob{};
  prob.l = static_cast<int>(samples.size());
  prob.n = static_cast<int>(kInputs) + 1;
  prob.y = labels.data();
  prob.x = rows.data();
  prob.bias = 1;  // liblinear appends the bias as feature n
  for (auto& row : nodes) {
    row.back() = {static_cast<int>(kInputs + 1), 1.0};
    row.push_back({-1, 0});
  }
  for (std::size_t n = 0; n < samples.size(); ++n) rows[n] = nodes[n].data();
  parameter param{};
  param.solver_type = L2R_LR;
  param.C = c;
  param.eps = 1e-4;
  param.p = 0.1;
  set_print_string_function(Quiet);
  if (const char* error = check_parameter(&prob, &param); error != nullptr) {
    return Status::InvalidArgument(std::string("combiner: ") + error);
  }
  model* m = train(&prob, &param);
  if (m == nullptr) return Status::Internal("combiner: liblinear could not train");
  int labels_order[2] = {0, 0};
  get_labels(m, labels_order);
  // Binary models keep one weight vector, for the first label.
  const double sign = labels_order[0] == 1 ? 1 : -1;
  Combiner c_out;
  for (std::size_t i = 0; i < kInputs; ++i) c_out.weights_[i] = sign * get_decfun_coef(m, static_cast<int>(i + 1), 0);
  c_out.bias_ = sign * get_decfun_bias(m, 0);
  free_and_destroy_model(&m);
  *out = c_out;
  return Status::Ok();
}

double Combiner::Probability(double fasttext_probability, const FeatureVector& features) const {
  std::array<double, kInputs> x;
  Inputs(fasttext_probability, features, &x);
  double z = bias_;
  for (std::size_t i = 0; i < kInputs; ++i) z += weights_[i] * x[i];
  return 1 / (1 + std::exp(-z));
}

std::vector<std::pair<std::string, double>> Combiner::TopReasons(double fasttext_probability,
                                                                 const FeatureVector& features, std::size_t k) const {
  std::array<double, kInputs> x;
  Inputs(fasttext_probability, features, &x);
  std::vector<std::pair<std::string, double>> out;
  for (std::size_t i = 0; i < kInputs; ++i) {
    const double share = weights_[i] * x[i];
    if (share > 0.05) out.emplace_back(InputName(i), share);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  if (out.size() > k) out.resize(k);
  return out;
}

nlohmann::json Combiner::ToJson() const {
  nlohmann::json names = nlohmann::json::array(), weights = nlohmann::json::array();
  for (std::size_t i = 0; i < kInputs; ++i) {
    names.push_back(InputName(i));
    weights.push_back(weights_[i]);
  }
  return {{"kind", "logistic_regression"}, {"inputs", names}, {"weights", weights}, {"bias", bias_}};
}

Status Combiner::FromJson(const nlohmann::json& j, Combiner* out) {
  if (!j.is_object() || j.value("kind", "") != "logistic_regression") {
    return Status::InvalidArgument("combiner: not a logistic regression");
  }
  const auto names = j.find("inputs");
  const auto weights = j.find("weights");
  const auto bias = j.find("bias");
  if (names == j.end() || weights == j.end() || bias == j.end() || !names->is_array() || !weights->is_array() ||
      !bias->is_number() || names->size() != weights->size() || names->size() > kInputs) {
    return Status::InvalidArgument("combiner: needs at most " + std::to_string(kInputs) +
                                   " named inputs, as many weights and a bias");
  }
  // Weights are found by name: a model from an earlier build, which knew
  // fewer inputs, loads with the ones it lacks at 0 (a signal it was not
  // trained on does not move its scores). An input this build does not
  // know is a model from a later build, refused.
  std::array<bool, kInputs> seen{};
  Combiner c;
  for (std::size_t k = 0; k < names->size(); ++k) {
    const std::string name = (*names)[k].is_string() ? (*names)[k].get<std::string>() : "";
    std::size_t i = 0;
    while (i < kInputs && InputName(i) != name) ++i;
    if (i == kInputs) return Status::InvalidArgument("combiner: unknown input '" + name + "' (a model for a later version?)");
    if (seen[i]) return Status::InvalidArgument("combiner: input '" + name + "' twice");
    seen[i] = true;
    if (!(*weights)[k].is_number() || !std::isfinite((*weights)[k].get<double>())) {
      return Status::InvalidArgument("combiner: weight " + std::to_string(k) + " is not a finite number");
    }
    c.weights_[i] = (*weights)[k].get<double>();
  }
  if (!seen[0]) return Status::InvalidArgument("combiner: no " + std::string(kLogitName) + " input");
  c.bias_ = bias->get<double>();
  if (!std::isfinite(c.bias_)) return Status::InvalidArgument("combiner: the bias is not finite");
  *out = c;
  return Status::Ok();
}

}  // namespace spamphibian::classify
