#include "metrics/registry.h"

#include <gtest/gtest.h>

namespace spamphibian::metrics {
namespace {

TEST(Registry, RendersCountersWithLabels) {
  Registry r;
  auto& events = r.AddCounter("spamphibian_events_received_total", "Events received.", {"event_type"});
  events.With({"user_create"}).Inc();
  events.With({"user_create"}).Inc(2);
  events.With({"issue_open"}).Inc();
  const std::string text = r.Render();
  EXPECT_NE(text.find("# TYPE spamphibian_events_received_total counter\n"), std::string::npos);
  EXPECT_NE(text.find("spamphibian_events_received_total{event_type=\"user_create\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("spamphibian_events_received_total{event_type=\"issue_open\"} 1\n"), std::string::npos);
}

TEST(Registry, EscapesLabelValues) {
  Registry r;
  r.AddGauge("g", "A gauge.", {"stream"}).With({"a\"b\\c\nd"}).Set(1.5);
  EXPECT_NE(r.Render().find("g{stream=\"a\\\"b\\\\c\\nd\"} 1.5\n"), std::string::npos);
}

TEST(Registry, UnlabelledMetricHasNoBraces) {
  Registry r;
  r.AddCounter("spamphibian_events_ignored_total", "Ignored.").With({}).Inc();
  EXPECT_NE(r.Render().find("spamphibian_events_ignored_total 1\n"), std::string::npos);
}

TEST(Histogram, BucketsAreCumulative) {
  Histogram h({0.1, 1.0});
  h.Observe(0.05);
  h.Observe(0.1);  // le is inclusive
  h.Observe(0.5);
  h.Observe(7);
  EXPECT_EQ(h.CumulativeCount(0), 2u);
  EXPECT_EQ(h.CumulativeCount(1), 3u);
  EXPECT_EQ(h.CumulativeCount(2), 4u);
  EXPECT_EQ(h.count(), 4u);
  EXPECT_DOUBLE_EQ(h.sum(), 7.65);
}

TEST(Registry, RendersHistogramSeries) {
  Registry r;
  r.AddHistogram("lat_seconds", "Latency.", {"path"}, {0.5}).With({"/events"}).Observe(0.25);
  const std::string text = r.Render();
  EXPECT_NE(text.find("lat_seconds_bucket{path=\"/events\",le=\"0.5\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("lat_seconds_bucket{path=\"/events\",le=\"+Inf\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("lat_seconds_sum{path=\"/events\"} 0.25\n"), std::string::npos);
  EXPECT_NE(text.find("lat_seconds_count{path=\"/events\"} 1\n"), std::string::npos);
}

}  // namespace
}  // namespace spamphibian::metrics

namespace spamphibian::metrics {
namespace {

TEST(Registry, AddingAnExistingNameSharesTheFamily) {
  Registry r;
  auto& a = r.AddCounter("spamphibian_stage_processed_total", "Processed.", {"stage", "outcome"});
  auto& b = r.AddCounter("spamphibian_stage_processed_total", "Processed.", {"stage", "outcome"});
  EXPECT_EQ(&a, &b);
  a.With({"fetch", "done"}).Inc();
  b.With({"trust", "done"}).Inc();
  const std::string text = r.Render();
  EXPECT_EQ(text.find("# TYPE spamphibian_stage_processed_total"), text.rfind("# TYPE spamphibian_stage_processed_total"));
}

}  // namespace
}  // namespace spamphibian::metrics
