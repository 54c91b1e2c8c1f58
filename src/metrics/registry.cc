#include "metrics/registry.h"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <cmath>

namespace spamphibian::metrics {

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), buckets_(new std::atomic<std::uint64_t>[bounds_.size() + 1]) {
  assert(std::is_sorted(bounds_.begin(), bounds_.end()));
  for (std::size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0);
}

void Histogram::Observe(double v) {
  const auto it = std::lower_bound(bounds_.begin(), bounds_.end(), v);
  buckets_[static_cast<std::size_t>(it - bounds_.begin())].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
}

std::uint64_t Histogram::CumulativeCount(std::size_t i) const {
  std::uint64_t total = 0;
  for (std::size_t b = 0; b <= i && b <= bounds_.size(); ++b) total += buckets_[b].load(std::memory_order_relaxed);
  return total;
}

std::vector<double> LatencyBuckets() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

namespace {

std::string FormatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", v);
}

// Label values escape backslash, double quote and newline; help text
// escapes backslash and newline.
std::string Escape(const std::string& s, bool quote) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else if (c == '"' && quote) out += "\\\"";
    else out += c;
  }
  return out;
}

// {a="x",b="y"} plus an optional extra label (le for buckets).
std::string Labels(const std::vector<std::string>& names, const LabelValues& values,
                   const std::string& extra_name = "", const std::string& extra_value = "") {
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < values.size(); ++i) {
    out += out.empty() ? "{" : ",";
    out += names[i] + "=\"" + Escape(values[i], true) + "\"";
  }
  if (!extra_name.empty()) {
    out += out.empty() ? "{" : ",";
    out += extra_name + "=\"" + extra_value + "\"";
  }
  if (!out.empty()) out += "}";
  return out;
}

template <typename F>
void Header(std::string* out, const F& family, const char* type) {
  *out += "# HELP " + family.name() + " " + Escape(family.help(), false) + "\n";
  *out += "# TYPE " + family.name() + " " + type + "\n";
}

template <typename Vec>
auto* FindByName(const Vec& families, const std::string& name) {
  for (const auto& f : families) {
    if (f->name() == name) return f.get();
  }
  return static_cast<typename Vec::value_type::pointer>(nullptr);
}

}  // namespace

CounterFamily& Registry::AddCounter(const std::string& name, const std::string& help,
                                    std::vector<std::string> label_names) {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto* existing = FindByName(counters_, name)) {
    assert(existing->label_names() == label_names);
    return *existing;
  }
  assert(std::find(order_.begin(), order_.end(), name) == order_.end());
  counters_.push_back(std::make_unique<CounterFamily>(name, help, std::move(label_names)));
  order_.push_back(name);
  return *counters_.back();
}

GaugeFamily& Registry::AddGauge(const std::string& name, const std::string& help,
                                std::vector<std::string> label_names) {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto* existing = FindByName(gauges_, name)) {
    assert(existing->label_names() == label_names);
    return *existing;
  }
  assert(std::find(order_.begin(), order_.end(), name) == order_.end());
  gauges_.push_back(std::make_unique<GaugeFamily>(name, help, std::move(label_names)));
  order_.push_back(name);
  return *gauges_.back();
}

HistogramFamily& Registry::AddHistogram(const std::string& name, const std::string& help,
                                        std::vector<std::string> label_names, std::vector<double> bounds) {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto* existing = FindByName(histograms_, name)) return *existing;
  assert(std::find(order_.begin(), order_.end(), name) == order_.end());
  histograms_.push_back(std::make_unique<HistogramFamily>(name, help, std::move(label_names), std::move(bounds)));
  order_.push_back(name);
  return *histograms_.back();
}

std::string Registry::Render() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  for (const std::string& name : order_) {
    if (const auto* f = FindByName(counters_, name)) {
      Header(&out, *f, "counter");
      f->ForEach([&](const LabelValues& v, const Counter& c) {
        out += name + Labels(f->label_names(), v) + " " + FormatValue(c.value()) + "\n";
      });
    } else if (const auto* g = FindByName(gauges_, name)) {
      Header(&out, *g, "gauge");
      g->ForEach([&](const LabelValues& v, const Gauge& m) {
        out += name + Labels(g->label_names(), v) + " " + FormatValue(m.value()) + "\n";
      });
    } else if (const auto* h = FindByName(histograms_, name)) {
      Header(&out, *h, "histogram");
      h->ForEach([&](const LabelValues& v, const Histogram& m) {
        const auto& bounds = m.bounds();
        for (std::size_t i = 0; i <= bounds.size(); ++i) {
          const std::string le = i < bounds.size() ? FormatValue(bounds[i]) : "+Inf";
          out += name + "_bucket" + Labels(h->label_names(), v, "le", le) + " " +
                 std::to_string(m.CumulativeCount(i)) + "\n";
        }
        out += name + "_sum" + Labels(h->label_names(), v) + " " + FormatValue(m.sum()) + "\n";
        out += name + "_count" + Labels(h->label_names(), v) + " " + std::to_string(m.count()) + "\n";
      });
    }
  }
  return out;
}

}  // namespace spamphibian::metrics
