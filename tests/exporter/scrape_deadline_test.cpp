// The scrape deadline: a stuck source costs its own series for that scrape, never the scrape, and never a scrape
// that comes after it.
#include <gtest/gtest.h>
#include <prometheus/metric_family.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "gateway_collector.hpp"
#include "web_handlers.hpp"

using namespace openclaw;
using namespace openclaw::exporter;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

std::optional<double> source_success(const std::vector<prometheus::MetricFamily>& families, std::string_view source) {
  for (const auto& family : families) {
    if (family.name != "openclaw_exporter_source_success") continue;
    for (const auto& metric : family.metric) {
      for (const auto& label : metric.label) {
        if (label.name == "source" && label.value == source) return metric.gauge.value;
      }
    }
  }
  return std::nullopt;
}

bool has_series(const std::vector<prometheus::MetricFamily>& families, std::string_view name) {
  for (const auto& family : families) {
    if (family.name == name && !family.metric.empty()) return true;
  }
  return false;
}

// Released by the test; until then every collect() of a BlockingSource waits (a /proc read of a D-state process,
// a hung sd-bus call). Held by shared_ptr so that a source thread still blocked when a test fails owns what it uses.
struct Gate {
  std::mutex mutex;
  std::condition_variable opened_cv;
  bool opened = false;
  std::atomic<int> entered{0};

  void open() {
    {
      std::lock_guard lock(mutex);
      opened = true;
    }
    opened_cv.notify_all();
  }
  void pass() {
    ++entered;
    std::unique_lock lock(mutex);
    // Bounded, so that a broken collector fails the test rather than hanging the binary.
    opened_cv.wait_for(lock, 30s, [&] { return opened; });
  }
};

class BlockingSource final : public Source {
 public:
  explicit BlockingSource(std::shared_ptr<Gate> gate) : gate_(std::move(gate)) {}
  std::string_view name() const override { return "blocking"; }
  bool applies(const GatewayContext& /*context*/) const override { return true; }
  Status collect(GatewayContext& context, MetricSet& out) override {
    gate_->pass();
    out.add("openclaw_gateway_threads", context.labels(), 3);
    return Ok{};
  }

 private:
  std::shared_ptr<Gate> gate_;
};

// A healthy source; `delay` makes it slow but finite. kChained: one that may block, run in the gateway's chain
// (like systemd, discovery, process, memory, sockets); kInline: one that cannot (like probe and log).
enum class Runs { kChained, kInline };
class QuickSource final : public Source {
 public:
  QuickSource(std::string name, const char* metric, Runs runs = Runs::kChained, std::chrono::milliseconds delay = 0ms)
      : name_(std::move(name)), metric_(metric), runs_(runs), delay_(delay) {}
  std::string_view name() const override { return name_; }
  bool applies(const GatewayContext& /*context*/) const override { return true; }
  bool may_block() const override { return runs_ == Runs::kChained; }
  Status collect(GatewayContext& context, MetricSet& out) override {
    if (delay_ > 0ms) std::this_thread::sleep_for(delay_);
    out.add(metric_, context.labels(), 1);
    return Ok{};
  }

 private:
  std::string name_;
  const char* metric_;
  Runs runs_;
  std::chrono::milliseconds delay_;
};

GatewayTarget target() { return {"a", "", "/nonexistent/pid", "", "http://127.0.0.1:1"}; }

// The chain before → blocking (→ later, when asked), then `after` that cannot block; the gate shut.
struct WedgedCollector {
  std::shared_ptr<Gate> gate = std::make_shared<Gate>();
  std::unique_ptr<GatewayCollector> collector;

  explicit WedgedCollector(bool chained_after_blocking = false) {
    std::vector<std::unique_ptr<Source>> sources;
    sources.push_back(std::make_unique<QuickSource>("before", "openclaw_gateway_open_fds"));
    sources.push_back(std::make_unique<BlockingSource>(gate));
    if (chained_after_blocking) sources.push_back(std::make_unique<QuickSource>("later", "openclaw_gateway_pid"));
    sources.push_back(std::make_unique<QuickSource>("after", "openclaw_gateway_max_fds", Runs::kInline));
    collector = std::make_unique<GatewayCollector>(std::vector<GatewayTarget>{target()},
                                                   std::make_shared<const ProcessSampler>(), std::move(sources));
  }
  ~WedgedCollector() {
    gate->open();  // the collector joins its source threads when it goes
  }
  WedgedCollector(const WedgedCollector&) = delete;
  WedgedCollector& operator=(const WedgedCollector&) = delete;
  WedgedCollector(WedgedCollector&&) = delete;
  WedgedCollector& operator=(WedgedCollector&&) = delete;
};

struct TimedScrape {
  std::vector<prometheus::MetricFamily> families;
  Clock::duration took{};
};

TimedScrape scrape(const GatewayCollector& collector, std::chrono::milliseconds timeout) {
  const auto started = Clock::now();
  auto families = collector.collect(started + timeout);
  return {std::move(families), Clock::now() - started};
}

// Polls until one scrape reports every source in `sources` successful (the released source's thread returns on its
// own time), for 10 s at most.
bool recovers(const GatewayCollector& collector, std::initializer_list<std::string_view> sources) {
  for (const auto give_up = Clock::now() + 10s; Clock::now() < give_up; std::this_thread::sleep_for(10ms)) {
    const auto families = scrape(collector, 5s).families;
    if (std::all_of(sources.begin(), sources.end(), [&](auto s) { return source_success(families, s) == 1; })) {
      return true;
    }
  }
  return false;
}

double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// Generous: the machine is shared; the point is "about the deadline", not "the source's 30 s".
constexpr auto kMargin = 1500ms;

}  // namespace

TEST(ScrapeTimeout, FollowsTheScrapersHeaderMinusTheOffsetCappedByTheLimit) {
  EXPECT_EQ(scrape_timeout("", 9s, 500ms), 9s);
  EXPECT_EQ(scrape_timeout("10", 9s, 500ms), 9s);      // Prometheus's default scrape_timeout: capped
  EXPECT_EQ(scrape_timeout("5", 9s, 500ms), 4500ms);
  EXPECT_EQ(scrape_timeout("2.5", 9s, 500ms), 2000ms);
  EXPECT_EQ(scrape_timeout(" 3 ", 9s, 500ms), 2500ms);
  EXPECT_EQ(scrape_timeout("0.6", 9s, 500ms), 300ms);  // shorter than twice the offset: half of it
  EXPECT_EQ(scrape_timeout("60", 9s, 500ms), 9s);
  for (const std::string_view bad : {"abc", "-1", "0", "inf", "nan", "5s", "1e999"}) {
    EXPECT_EQ(scrape_timeout(bad, 9s, 500ms), 9s) << bad;
  }
}

TEST(ScrapeDeadline, AStuckSourceFailsThatScrapeOnlyAndTheScrapeAnswersInTime) {
  WedgedCollector wedged;
  const auto first = scrape(*wedged.collector, 600ms);
  EXPECT_LT(first.took, 600ms + kMargin) << ms(first.took) << " ms";
  EXPECT_GE(wedged.gate->entered.load(), 1);
  EXPECT_EQ(source_success(first.families, "blocking"), 0);
  EXPECT_EQ(source_success(first.families, "before"), 1);
  EXPECT_EQ(source_success(first.families, "after"), 1);  // ran in the reserve the deadline keeps for it
  EXPECT_TRUE(has_series(first.families, "openclaw_gateway_open_fds"));
  EXPECT_TRUE(has_series(first.families, "openclaw_gateway_max_fds"));
  EXPECT_FALSE(has_series(first.families, "openclaw_gateway_threads"));  // the stuck source's output: none

  // The source is still stuck. A later scrape with all the time in the world does not wait for it.
  const auto second = scrape(*wedged.collector, 20s);
  EXPECT_LT(second.took, 5s) << ms(second.took) << " ms: waited for a source known to be stuck";
  EXPECT_EQ(source_success(second.families, "blocking"), 0);
  EXPECT_EQ(source_success(second.families, "after"), 1);
  EXPECT_EQ(wedged.gate->entered.load(), 1) << "a second collect() was started beside the stuck one";

  // Unstuck, it reports again.
  wedged.gate->open();
  EXPECT_TRUE(recovers(*wedged.collector, {"blocking"}));
}

TEST(ScrapeDeadline, ConcurrentScrapesBothAnswerBesideAStuckSource) {
  WedgedCollector wedged;
  auto one = std::async(std::launch::async, [&] { return scrape(*wedged.collector, 700ms); });
  auto two = std::async(std::launch::async, [&] { return scrape(*wedged.collector, 700ms); });
  ASSERT_EQ(one.wait_for(700ms + kMargin + 2s), std::future_status::ready) << "a scrape queued behind the stuck one";
  ASSERT_EQ(two.wait_for(2s), std::future_status::ready) << "a scrape queued behind the stuck one";
  for (auto* future : {&one, &two}) {
    const auto result = future->get();
    EXPECT_LT(result.took, 700ms + kMargin) << ms(result.took) << " ms";
    EXPECT_EQ(source_success(result.families, "blocking"), 0);
    EXPECT_EQ(source_success(result.families, "before"), 1);
    EXPECT_EQ(source_success(result.families, "after"), 1);
  }
  EXPECT_EQ(wedged.gate->entered.load(), 1);
}

// The price of one thread per gateway for the chain (source_chain.hpp): the sources after a stuck one in the chain
// are not run in that scrape; while it stays stuck, later scrapes fail the chain at once instead of queueing.
TEST(ScrapeDeadline, AStuckSourceInTheChainFailsTheOnesAfterItAndTheNextScrapeDoesNotQueue) {
  WedgedCollector wedged(/*chained_after_blocking=*/true);
  const auto first = scrape(*wedged.collector, 600ms);
  EXPECT_LT(first.took, 600ms + kMargin) << ms(first.took) << " ms";
  EXPECT_EQ(source_success(first.families, "before"), 1);
  EXPECT_EQ(source_success(first.families, "blocking"), 0);
  EXPECT_EQ(source_success(first.families, "later"), 0);  // not run: the chain's thread is stuck before it
  EXPECT_FALSE(has_series(first.families, "openclaw_gateway_pid"));
  EXPECT_EQ(source_success(first.families, "after"), 1);  // cannot block: runs on the scrape's thread

  const auto second = scrape(*wedged.collector, 20s);
  EXPECT_LT(second.took, 5s) << ms(second.took) << " ms: queued behind the stuck chain";
  for (const std::string_view chained : {"before", "blocking", "later"}) {
    EXPECT_EQ(source_success(second.families, chained), 0) << chained;
  }
  EXPECT_EQ(source_success(second.families, "after"), 1);
  EXPECT_EQ(wedged.gate->entered.load(), 1) << "a second run of the chain was started beside the stuck one";

  wedged.gate->open();
  EXPECT_TRUE(recovers(*wedged.collector, {"blocking", "later"}));
}

TEST(ScrapeDeadline, ConcurrentScrapesOfHealthySourcesBothSucceed) {
  // A slow but healthy source: the second scrape waits for the first one's collection, it does not fail.
  std::vector<std::unique_ptr<Source>> sources;
  sources.push_back(std::make_unique<QuickSource>("slow", "openclaw_gateway_open_fds", Runs::kChained, 150ms));
  const GatewayCollector collector({target()}, std::make_shared<const ProcessSampler>(), std::move(sources));
  auto one = std::async(std::launch::async, [&] { return scrape(collector, 5s); });
  auto two = std::async(std::launch::async, [&] { return scrape(collector, 5s); });
  EXPECT_EQ(source_success(one.get().families, "slow"), 1);
  EXPECT_EQ(source_success(two.get().families, "slow"), 1);
}

TEST(ScrapeDeadline, TheHandlerHonoursTheScrapersTimeoutHeader) {
  WedgedCollector wedged;
  const ScrapeHandler handler(*wedged.collector, 9s, 500ms);
  const auto started = Clock::now();
  const std::string text = handler.render("1.5");  // 1 s after the offset
  const auto took = Clock::now() - started;
  EXPECT_LT(took, 1s + kMargin) << ms(took) << " ms";
  EXPECT_GE(took, 800ms) << "gave up before the deadline the header allows";
  EXPECT_NE(text.find("openclaw_exporter_source_success{gateway=\"a\",source=\"blocking\"} 0"), std::string::npos)
      << text;
  EXPECT_NE(text.find("openclaw_exporter_source_success{gateway=\"a\",source=\"before\"} 1"), std::string::npos);
}
