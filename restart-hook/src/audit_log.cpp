#include "audit_log.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <fstream>
#include <stdexcept>

#include "clock.hpp"

namespace openclaw::hook {

std::string format_rfc3339_ms(long long unix_ms) {
  const auto seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, unix_ms % 1000);
}

AuditLog::AuditLog(const std::string& state_dir) : path_(state_dir + "/audit.log") {
  {
    // Read back the tail so the status page shows history across restarts of the hook.
    // Only the tail: the log may have grown large over months.
    constexpr std::streamoff kTailBytes = 256 * 1024;
    std::ifstream in(path_, std::ios::binary | std::ios::ate);
    std::string line;
    if (in && in.tellg() > kTailBytes) {
      in.seekg(-kTailBytes, std::ios::end);
      std::getline(in, line);  // skip the partial first line
    } else if (in) {
      in.seekg(0);
    }
    while (std::getline(in, line)) {
      auto record = nlohmann::json::parse(line, nullptr, false);
      if (record.is_discarded()) continue;  // a line cut short by a crash
      recent_.push_back(std::move(record));
      if (recent_.size() > kRecentCapacity) recent_.pop_front();
    }
  }
  fd_.reset(::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600));
  if (fd_.get() < 0) throw std::runtime_error(fmt::format("cannot open audit log {}: {}", path_, std::strerror(errno)));
}

Status AuditLog::append(nlohmann::json record, bool durable) {
  if (!record.contains("ts")) {
    record["ts"] = format_rfc3339_ms(to_unix_ms(std::chrono::system_clock::now()));
  }
  // Alert labels may carry anything; replace invalid UTF-8 rather than fail to record.
  const std::string line = record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::lock_guard lock(mutex_);
  // One write() per line: O_APPEND keeps lines whole even if another process appends too.
  const ssize_t n = ::write(fd_.get(), line.data(), line.size());
  if (n != static_cast<ssize_t>(line.size())) {
    return Status::failure(fmt::format("write {}: {}", path_, n < 0 ? std::strerror(errno) : "short write"));
  }
  if (durable && ::fdatasync(fd_.get()) != 0) {
    return Status::failure(fmt::format("fdatasync {}: {}", path_, std::strerror(errno)));
  }
  recent_.push_back(std::move(record));
  if (recent_.size() > kRecentCapacity) recent_.pop_front();
  return Ok{};
}

std::vector<nlohmann::json> AuditLog::recent() const {
  std::lock_guard lock(mutex_);
  return {recent_.begin(), recent_.end()};
}

}  // namespace openclaw::hook
