#pragma once

#include <mutex>
#include <string>
#include <string_view>

namespace openclaw::fixture {

// The gateway's messages, written like openclaw 2026.9.6 writes them: always to the console as "[subsystem] message"
// (stdout, stderr for errors; the journal or a unit's StandardOutput= under systemd), and with a log dir also to
// DIR/openclaw-YYYY-MM-DD.log (local date) as one tslog JSON object per line, the shape of the captured real lines in
// tests/exporter/fixtures/gateway-log/:
//   {"0":"{\"subsystem\":\"gateway\"}","1":"<message>","_meta":{"runtime":"fixture",…,"logLevelId":3,
//    "logLevelName":"INFO","name":"{\"subsystem\":\"gateway\"}","parentNames":["openclaw"]},
//    "time":"2026-12-01T23:23:43.614+00:00","hostname":"…","message":"<message>"}
// Thread-safe; the file is opened per line (lines are rare), so a test may remove or rotate it at any time.
class GatewayLogWriter {
 public:
  enum class Level { kInfo, kWarn, kError };

  explicit GatewayLogWriter(std::string log_dir) : log_dir_(std::move(log_dir)) {}

  void write(Level level, std::string_view subsystem, std::string_view message);
  void info(std::string_view message) { write(Level::kInfo, "gateway", message); }
  void warn(std::string_view message) { write(Level::kWarn, "gateway", message); }

 private:
  const std::string log_dir_;
  std::mutex mutex_;
};

}  // namespace openclaw::fixture
