#include "metrics_handler.hpp"

#include <gtest/gtest.h>
#include <prometheus/counter.h>
#include <prometheus/registry.h>
#include <zlib.h>

#include <memory>

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
