#pragma once

#include <cstddef>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "config.hpp"
#include "fs_util.hpp"
#include "result.hpp"

namespace openclaw::hook {

// `<state_dir>/audit.log`: one JSON object per line, appended. Lines that record an action (a restart about to
// run, its result) are fsync'd before anyone is told; the others are written at once and reach the disk with
// the next fsync, so a duplicate storm does not cost one disk flush per webhook.
class AuditLog {
 public:
  static constexpr std::size_t kRecentCapacity = 50;

  // Opens (creates) the log and reads back its last records, from the rotated files too when the current one holds
  // fewer. Throws std::runtime_error naming the file.
  explicit AuditLog(const std::string& state_dir, AuditOptions options = {});
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;
  AuditLog(AuditLog&&) = delete;
  AuditLog& operator=(AuditLog&&) = delete;
  ~AuditLog() = default;

  // `record` must be an object; "ts" (RFC 3339, ms) is added when missing.
  Status append(nlohmann::json record, bool durable);
  // The last records, oldest first.
  std::vector<nlohmann::json> recent() const;
  // Every record still on disk, oldest first (the rotated files, then the current one); lines cut short are skipped.
  std::vector<nlohmann::json> read_all() const;
  const std::string& path() const { return path_; }

 private:
  Status rotate();  // caller holds mutex_
  std::string rotated(int n) const { return path_ + "." + std::to_string(n); }

  std::string path_;
  AuditOptions options_;
  mutable std::mutex mutex_;
  UniqueFd fd_;
  std::size_t size_ = 0;
  std::deque<nlohmann::json> recent_;
};

// Milliseconds since the epoch -> "2026-01-02T03:04:05.678Z".
std::string format_rfc3339_ms(long long unix_ms);

}  // namespace openclaw::hook
