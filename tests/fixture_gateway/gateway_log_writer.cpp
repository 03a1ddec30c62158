#include "gateway_log_writer.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>

namespace openclaw::fixture {
namespace {

struct Stamp {
  std::string date;   // 2026-12-01 (local): the file name's
  std::string utc;    // 2026-12-01T23:23:43.614Z: _meta.date
  std::string local;  // 2026-12-01T23:23:43.614+00:00: time
};

Stamp now_stamp() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  std::tm local{};
  ::gmtime_r(&seconds, &utc);
  ::localtime_r(&seconds, &local);
  char date[16];
  char utc_text[40];
  char local_text[40];
  char offset[8];
  std::strftime(date, sizeof date, "%Y-%m-%d", &local);
  std::strftime(utc_text, sizeof utc_text, "%Y-%m-%dT%H:%M:%S", &utc);
  std::strftime(local_text, sizeof local_text, "%Y-%m-%dT%H:%M:%S", &local);
  std::strftime(offset, sizeof offset, "%z", &local);  // +0000
  const std::string zone = std::string(offset).substr(0, 3) + ":" + std::string(offset).substr(3, 2);
  char ms[8];
  std::snprintf(ms, sizeof ms, ".%03d", static_cast<int>(millis));
  return {date, std::string(utc_text) + ms + "Z", std::string(local_text) + ms + zone};
}

std::string hostname() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "localhost";
  return name;
}

}  // namespace

void GatewayLogWriter::write(Level level, std::string_view subsystem, std::string_view message) {
  const std::lock_guard lock(mutex_);
  FILE* console = level == Level::kError ? stderr : stdout;
  std::fprintf(console, "[%.*s] %.*s\n", static_cast<int>(subsystem.size()), subsystem.data(),
               static_cast<int>(message.size()), message.data());
  std::fflush(console);
  if (log_dir_.empty()) return;
  const Stamp stamp = now_stamp();
  const std::string name = nlohmann::json{{"subsystem", subsystem}}.dump();
  const int level_id = level == Level::kInfo ? 3 : level == Level::kWarn ? 4 : 5;
  const char* level_name = level == Level::kInfo ? "INFO" : level == Level::kWarn ? "WARN" : "ERROR";
  const std::string host = hostname();
  const nlohmann::ordered_json line = {
      {"0", name},
      {"1", message},
      {"_meta",
       {{"runtime", "fixture"},
        {"runtimeVersion", "openclaw-fixture-gateway"},
        {"hostname", host},
        {"date", stamp.utc},
        {"logLevelId", level_id},
        {"logLevelName", level_name},
        {"name", name},
        {"parentNames", {"openclaw"}}}},
      {"time", stamp.local},
      {"hostname", host},
      {"message", message},
  };
  const std::string path = log_dir_ + "/openclaw-" + stamp.date + ".log";
  std::ofstream out(path, std::ios::app);
  out << line.dump() << "\n";
  if (!out.flush()) std::fprintf(stderr, "fixture: cannot write %s\n", path.c_str());
}

}  // namespace openclaw::fixture
