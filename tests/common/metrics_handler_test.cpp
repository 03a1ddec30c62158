#include "metrics_handler.hpp"

#include <gtest/gtest.h>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <unistd.h>
#include <zlib.h>

#include <memory>

#include "host_label.hpp"

using namespace openclaw;

namespace {

std::string gunzip(const std::string& data) {
  z_stream stream{};
  EXPECT_EQ(inflateInit2(&stream, 15 + 16), Z_OK);
  std::string out(1 << 20, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&stream, Z_FINISH), Z_STREAM_END);
  out.resize(stream.total_out);
  inflateEnd(&stream);
  return out;
}

}  // namespace

TEST(MetricsHandler, RendersEveryCollectable) {
  auto registry = std::make_shared<prometheus::Registry>();
  prometheus::BuildCounter().Name("demo_events_total").Help("Events.").Register(*registry).Add({{"k", "v"}}).Increment(3);
  MetricsHandler handler({registry});
  const std::string text = handler.render();
  EXPECT_NE(text.find("# HELP demo_events_total Events."), std::string::npos);
  EXPECT_NE(text.find("demo_events_total{k=\"v\"} 3"), std::string::npos);
}

// The program's `host` on every sample of every family, whatever its type, in name order among its own labels.
TEST(MetricsHandler, ConstantLabelsGoOnEverySampleInNameOrder) {
  auto registry = std::make_shared<prometheus::Registry>();
  prometheus::BuildCounter().Name("demo_events_total").Help("Events.").Register(*registry).Add({{"a", "1"}, {"z", "2"}});
  prometheus::BuildGauge().Name("demo_up").Help("Up.").Register(*registry).Add({}).Set(1);
  prometheus::BuildHistogram()
      .Name("demo_seconds")
      .Help("Time.")
      .Register(*registry)
      .Add({{"gateway", "default"}}, prometheus::Histogram::BucketBoundaries{1})
      .Observe(0.5);
  const std::string text = MetricsHandler({registry}, host_labels("gw-a")).render();
  EXPECT_NE(text.find("demo_events_total{a=\"1\",host=\"gw-a\",z=\"2\"} 0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("demo_up{host=\"gw-a\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("demo_seconds_bucket{gateway=\"default\",host=\"gw-a\",le=\"1\"} 1\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("demo_seconds_count{gateway=\"default\",host=\"gw-a\"} 1\n"), std::string::npos) << text;
  std::size_t samples = 0;
  std::size_t pos = 0;
  while ((pos = text.find('\n', pos)) != std::string::npos) {
    const std::size_t start = ++pos;
    if (start >= text.size() || text[start] == '#') continue;
    ++samples;
    EXPECT_NE(text.substr(start, text.find('\n', start) - start).find("host=\"gw-a\""), std::string::npos);
  }
  EXPECT_EQ(samples, 6u);  // the counter, the gauge; the histogram: buckets 1 and +Inf, sum, count
}

TEST(MetricsHandler, AConstantLabelReplacesASamplesOwnAndNoneIsAddedWhenEmpty) {
  std::vector<prometheus::MetricFamily> families(1);
  families[0].name = "demo";
  families[0].type = prometheus::MetricType::Gauge;
  families[0].metric.resize(1);
  families[0].metric[0].label = {{"host", "claimed"}, {"x", "1"}};
  add_constant_labels(families, host_labels("gw-a"));
  EXPECT_EQ(families[0].metric[0].label,
            (std::vector<prometheus::ClientMetric::Label>{{"host", "gw-a"}, {"x", "1"}}));
  EXPECT_TRUE(host_labels("").empty());
  EXPECT_EQ(serialize_metrics(families, {}), serialize_metrics(families, host_labels("")));
}

TEST(MetricsHandler, TheDefaultHostIsTheMachinesName) {
  char name[256] = {};
  ASSERT_EQ(gethostname(name, sizeof name - 1), 0);
  EXPECT_EQ(machine_hostname(), name);
}

TEST(MetricsHandler, GzipRoundTrips) {
  const std::string text(100000, 'x');
  const std::string compressed = gzip_compress(text);
  EXPECT_LT(compressed.size(), text.size() / 10);
  EXPECT_EQ(gunzip(compressed), text);
}

TEST(MetricsHandler, HonoursAcceptEncoding) {
  EXPECT_TRUE(accepts_gzip("gzip"));
  EXPECT_TRUE(accepts_gzip("deflate, gzip;q=0.5"));
  EXPECT_TRUE(accepts_gzip("*"));
  EXPECT_FALSE(accepts_gzip("gzip;q=0"));
  EXPECT_FALSE(accepts_gzip("gzip;q=0.000"));
  EXPECT_FALSE(accepts_gzip("identity"));
  EXPECT_FALSE(accepts_gzip(""));
  EXPECT_FALSE(accepts_gzip("xgzip"));
}
