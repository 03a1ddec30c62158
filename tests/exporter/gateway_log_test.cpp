// The log-line parser on lines the real gateway wrote (fixtures/gateway-log, see its README) and on hand-made edges.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "fixture_files.hpp"
#include "gateway_log.hpp"

using namespace openclaw::exporter;

namespace {

const std::string kRealDrainLog =
    std::string(OPENCLAW_EXPORTER_FIXTURES) + "/gateway-log/heap300-drain-timeout-openclaw-2026-12-01.log";

std::vector<std::string> lines_of(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string line_containing(const std::string& path, const std::string& text) {
  for (const auto& line : lines_of(path)) {
    if (line.find(text) != std::string::npos) return line;
  }
  throw std::runtime_error("no line with " + text + " in " + path);
}

// A tslog line as the gateway writes it, around a hand-made message (for kinds not provoked in the capture).
std::string tslog_line(const std::string& message) {
  return R"({"0":"{\"subsystem\":\"diagnostic\"}","1":")" + message +
         R"(","_meta":{"runtime":"node","logLevelId":4,"logLevelName":"WARN"},"time":"2026-12-01T23:00:00.000+00:00",)"
         R"("hostname":"vm","message":")" +
         message + R"("})";
}

std::string kind_of(const std::string& line) {
  const auto parsed = parse_gateway_log_line(line);
  if (!parsed) return "unparsable: " + parsed.error();
  if (!parsed->has_value()) return "none";
  return std::string(event_kind_name((*parsed)->kind));
}

}  // namespace

TEST(GatewayLog, ReadsTheRealHeapPressureLine) {
  const auto parsed = parse_gateway_log_line(line_containing(kRealLog, "memory pressure: "));
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  ASSERT_TRUE(parsed->has_value());
  const GatewayLogEvent& event = **parsed;
  EXPECT_EQ(event.kind, GatewayLogEventKind::kMemoryPressure);
  EXPECT_EQ(event.level, "critical");
  EXPECT_EQ(event.reason, "heap_threshold");
  // From the raw text: rssBytes=616542208 heapUsedBytes=206427136 … thresholdBytes=198180864
  EXPECT_EQ(event.rss_bytes, 616542208U);
  EXPECT_EQ(event.heap_used_bytes, 206427136U);
  EXPECT_EQ(event.threshold_bytes, 198180864U);
}

TEST(GatewayLog, CountsEachRealEventOnceAndNothingElse) {
  std::map<std::string, int> kinds;
  for (const auto& line : lines_of(kRealLog)) ++kinds[kind_of(line)];
  // 54 lines: one of each provoked event; "still draining …" (6 times), "gateway ready" and the rest are not events.
  const std::map<std::string, int> expected = {{"memory_pressure", 1}, {"duplicate_instance", 1},
                                               {"config_invalid", 1},  {"liveness_heartbeat_delayed", 1},
                                               {"drain_started", 1},   {"none", 49}};
  EXPECT_EQ(kinds, expected);
}

TEST(GatewayLog, ReadsTheRealWarningAndTheDrainCutShort) {
  const auto parsed = parse_gateway_log_line(line_containing(kRealDrainLog, "memory pressure: level=warning"));
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  ASSERT_TRUE(parsed->has_value());
  EXPECT_EQ((*parsed)->level, "warning");
  EXPECT_EQ((*parsed)->reason, "heap_threshold");
  // From the raw text: rssBytes=625684480 heapUsedBytes=199201104 … thresholdBytes=163577856
  EXPECT_EQ((*parsed)->rss_bytes, 625684480U);
  EXPECT_EQ((*parsed)->heap_used_bytes, 199201104U);
  EXPECT_EQ((*parsed)->threshold_bytes, 163577856U);

  std::map<std::string, int> kinds;
  for (const auto& line : lines_of(kRealDrainLog)) ++kinds[kind_of(line)];
  // SIGTERM with a 400 s job: 315 s of drain, then "gateway active-work drain timeout reached; proceeding …".
  const std::map<std::string, int> expected = {
      {"memory_pressure", 2}, {"duplicate_instance", 1},     {"config_invalid", 1}, {"liveness_heartbeat_delayed", 1},
      {"drain_started", 1},   {"drain_budget_exhausted", 1}, {"none", 57}};
  EXPECT_EQ(kinds, expected);
}

TEST(GatewayLog, ReadsTheOtherRealLinesByTheirKind) {
  EXPECT_EQ(kind_of(line_containing(kRealLog, "liveness heartbeat delayed: overdue=19945ms")),
            "liveness_heartbeat_delayed");
  EXPECT_EQ(kind_of(line_containing(kRealLog, "draining active work before stop with timeout 315000ms")),
            "drain_started");
  EXPECT_EQ(kind_of(line_containing(kRealLog, "still draining active work")), "none");
  // Reported by the CLI that failed to start: the text is the whole record ("0") and the message.
  EXPECT_EQ(kind_of(line_containing(kRealLog, "Gateway failed to start: another gateway instance")),
            "duplicate_instance");
  EXPECT_EQ(kind_of(line_containing(kRealLog, "config reload skipped (invalid config): gateway.port")),
            "config_invalid");
  EXPECT_EQ(kind_of(line_containing(kRealLog, R"("message":"gateway ready")")), "none");
}

// Messages formatted as openclaw 2026.9.6 formats them (dist/*.mjs), for the kinds the capture did not provoke.
TEST(GatewayLog, ClassifiesTheGatewaysOtherDiagnostics) {
  const std::map<std::string, std::string> cases = {
      {"stuck session: sessionId=s1 sessionKey=main state=running age=121s queueDepth=2 reason=no_progress "
       "classification=stuck",
       "stuck_session"},
      {"stalled session: sessionId=s1 sessionKey=main state=running age=300s queueDepth=0 reason=x classification=y",
       "stalled_session"},
      {"long-running session: sessionId=s1 sessionKey=main state=running age=900s queueDepth=1 reason=x",
       "long_running_session"},
      {"stuck session recovery: sessionId=s1 sessionKey=main age=130s action=abort aborted=true", "none"},
      {"liveness warning: reasons=event_loop_delay interval=30s active=1 waiting=0 queued=2", "liveness_warning"},
      {"restart drain budget 315000ms exhausted; cutting short queueSize=1 cronRuns=1", "drain_budget_exhausted"},
      {"restart drain budget 315000ms", "none"},
      {"shutdown deadline reached; abandoning unfinished cleanup and active work before stop; last observed: "
       "cronRuns=1; exiting with incomplete cleanup",
       "drain_forced"},
      {"gateway startup failed: EACCES: permission denied, open '/x'. Process will stay alive; fix the issue and "
       "restart.",
       "startup_failed"},
      {"gateway already running under systemd; existing gateway is healthy, exiting with code 78 to prevent a systemd "
       "Restart=always loop",
       "duplicate_instance"},
      {"channel autostart suppressed by crash-loop breaker; refusing automatic start for telegram.",
       "crash_loop_breaker"},
      {"received SIGTERM; shutting down", "none"},
  };
  for (const auto& [message, kind] : cases) EXPECT_EQ(kind_of(tslog_line(message)), kind) << message;
}

TEST(GatewayLog, KeepsMemoryPressureLabelsBounded) {
  const auto warning = classify_gateway_message(
      "memory pressure: level=warning reason=rss_growth rss=2.1 GiB growth=600 MiB rssBytes=2254857830 "
      "heapUsedBytes=900000000 externalBytes=1 arrayBuffersBytes=2");
  ASSERT_TRUE(warning.has_value());
  EXPECT_EQ(warning->level, "warning");
  EXPECT_EQ(warning->reason, "rss_growth");
  EXPECT_EQ(warning->rss_bytes, 2254857830U);
  EXPECT_FALSE(warning->threshold_bytes.has_value());
  const auto future = classify_gateway_message("memory pressure: level=fatal reason=cgroup_threshold rssBytes=12x");
  ASSERT_TRUE(future.has_value());
  EXPECT_EQ(future->level, "other");
  EXPECT_EQ(future->reason, "other");
  EXPECT_FALSE(future->rss_bytes.has_value());  // not a number: absent, never 12
}

TEST(GatewayLog, BrokenLinesAreUnparsableAndUnknownOnesIgnored) {
  const std::string real = line_containing(kRealLog, "memory pressure: ");
  EXPECT_EQ(kind_of(real.substr(0, real.size() / 2)), "unparsable: not JSON");  // a partial line
  EXPECT_EQ(kind_of("{\"message\":\"memory pressure: level=critical"), "unparsable: not JSON");
  EXPECT_EQ(kind_of(""), "unparsable: not JSON");
  EXPECT_EQ(kind_of("[\"memory pressure: level=critical\"]"), "unparsable: not a JSON object");
  EXPECT_EQ(kind_of(R"({"0":"no message key"})"), "none");
  EXPECT_EQ(kind_of(R"({"message":42})"), "none");
  EXPECT_EQ(kind_of(tslog_line("something new in a later version")), "none");
  // A huge but well-formed line still parses (the follower, not the parser, bounds line length).
  EXPECT_EQ(kind_of(tslog_line("stuck session: " + std::string(2 << 20, 'x'))), "stuck_session");
}
