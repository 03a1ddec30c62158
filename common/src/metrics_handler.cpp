#include "metrics_handler.hpp"

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>
#include <prometheus/text_serializer.h>
#include <zlib.h>

#include <mutex>
#include <sstream>
#include <stdexcept>

#include "host_label.hpp"
#include "http_server.hpp"

namespace openclaw {

std::string serialize_metrics(std::vector<prometheus::MetricFamily> families,
                              const prometheus::Labels& constant_labels) {
  add_constant_labels(families, constant_labels);
  std::ostringstream out;
  prometheus::TextSerializer{}.Serialize(out, families);
  return std::move(out).str();
}

MetricsHandler::MetricsHandler(std::vector<std::shared_ptr<prometheus::Collectable>> collectables,
                               prometheus::Labels constant_labels)
    : collectables_(std::move(collectables)), constant_labels_(std::move(constant_labels)) {}

std::string MetricsHandler::render() const {
  std::vector<prometheus::MetricFamily> families;
  for (const auto& collectable : collectables_) {
    auto collected = collectable->Collect();
    families.insert(families.end(), std::make_move_iterator(collected.begin()),
                    std::make_move_iterator(collected.end()));
  }
  return serialize_metrics(std::move(families), constant_labels_);
}

void send_metrics_text(mg_connection* conn, const std::string& body) {
  constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";
  if (accepts_gzip(request_header(conn, "Accept-Encoding"))) {
    send_response(conn, 200, kContentType, gzip_compress(body), {{"Content-Encoding", "gzip"}});
  } else {
    send_response(conn, 200, kContentType, body);
  }
}

bool MetricsHandler::handleGet(CivetServer* /*server*/, mg_connection* conn) {
  send_metrics_text(conn, render());
  return true;
}

bool accepts_gzip(std::string_view accept_encoding) {
  std::size_t start = 0;
  while (start <= accept_encoding.size()) {
    std::size_t end = accept_encoding.find(',', start);
    if (end == std::string_view::npos) end = accept_encoding.size();
    std::string_view item = accept_encoding.substr(start, end - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    const std::size_t semicolon = item.find(';');
    std::string_view coding = item.substr(0, semicolon);
    while (!coding.empty() && coding.back() == ' ') coding.remove_suffix(1);
    if (coding == "gzip" || coding == "*") {
      if (semicolon == std::string_view::npos) return true;
      std::string_view params = item.substr(semicolon + 1);
      while (!params.empty() && params.front() == ' ') params.remove_prefix(1);
      // "q=0", "q=0.0", "q=0.000" refuse; any other q accepts.
      if (!params.starts_with("q=0") || params.find_first_of("123456789", 3) != std::string_view::npos) return true;
    }
    start = end + 1;
  }
  return false;
}

namespace {

// A deflate state, reset between scrapes: deflateInit2/deflateEnd allocate ~270 KB each time, which glibc then trims
// again (measured: a third of a scrape's CPU).
class Deflater {
 public:
  Deflater() {
    // 15 + 16: a gzip wrapper rather than zlib's.
    ok_ = deflateInit2(&stream_, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK;
  }
  ~Deflater() {
    if (ok_) deflateEnd(&stream_);
  }
  Deflater(const Deflater&) = delete;
  Deflater& operator=(const Deflater&) = delete;
  Deflater(Deflater&&) = delete;
  Deflater& operator=(Deflater&&) = delete;

  std::string compress(std::string_view data) {
    if (!ok_ || deflateReset(&stream_) != Z_OK) throw std::runtime_error("deflate init failed");
    std::string out(deflateBound(&stream_, static_cast<uLong>(data.size())) + 32, '\0');
    stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    stream_.avail_in = static_cast<uInt>(data.size());
    stream_.next_out = reinterpret_cast<Bytef*>(out.data());
    stream_.avail_out = static_cast<uInt>(out.size());
    if (deflate(&stream_, Z_FINISH) != Z_STREAM_END) throw std::runtime_error("deflate failed");
    out.resize(stream_.total_out);
    return out;
  }

 private:
  z_stream stream_{};
  bool ok_ = false;
};

// Idle deflate states kept for the next scrape. Not one per thread: the servers run 256 worker threads (the slowloris
// bound), Prometheus' reconnections hand a scrape to each of them in turn, and a state per thread grew the
// exporter's RSS by ~27 MiB once every worker had served a gzip scrape (measured, bench/soak/soak.sh). Two cover an
// HA pair of Prometheus scraping at once; a third concurrent scrape pays for its own state.
constexpr std::size_t kIdleDeflaters = 2;

class DeflaterPool {
 public:
  std::unique_ptr<Deflater> take() {
    {
      const std::lock_guard lock(mutex_);
      if (!idle_.empty()) {
        auto deflater = std::move(idle_.back());
        idle_.pop_back();
        return deflater;
      }
    }
    return std::make_unique<Deflater>();
  }
  void give_back(std::unique_ptr<Deflater> deflater) {
    const std::lock_guard lock(mutex_);
    if (idle_.size() < kIdleDeflaters) idle_.push_back(std::move(deflater));
  }

 private:
  std::mutex mutex_;
  std::vector<std::unique_ptr<Deflater>> idle_;
};

}  // namespace

std::string gzip_compress(std::string_view data) {
  static DeflaterPool pool;
  auto deflater = pool.take();
  std::string out = deflater->compress(data);  // a state that threw is not given back
  pool.give_back(std::move(deflater));
  return out;
}

}  // namespace openclaw
