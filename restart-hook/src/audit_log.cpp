#include "audit_log.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <stdexcept>

#include "clock.hpp"

namespace openclaw::hook {
namespace {

// Records of one file, oldest first; only its last `tail_bytes` when set (the log may have grown large).
void read_records(const std::string& path, std::streamoff tail_bytes, std::vector<nlohmann::json>& out) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return;
  std::string line;
  if (tail_bytes > 0 && in.tellg() > tail_bytes) {
    in.seekg(-tail_bytes, std::ios::end);
    std::getline(in, line);  // skip the partial first line
  } else {
    in.seekg(0);
  }
  while (std::getline(in, line)) {
    auto record = nlohmann::json::parse(line, nullptr, false);
    if (record.is_discarded() || !record.is_object()) continue;  // a line cut short by a crash
    out.push_back(std::move(record));
  }
}

bool ends_with_newline(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in || in.tellg() == 0) return true;
  in.seekg(-1, std::ios::end);
  return in.get() == '\n';
}

}  // namespace

std::string format_rfc3339_ms(long long unix_ms) {
  const auto seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, unix_ms % 1000);
}

AuditLog::AuditLog(const std::string& state_dir, AuditOptions options)
    : path_(state_dir + "/audit.log"), options_(options) {
  // Read back the tail so the status page shows history across restarts of the hook, across a rotation too.
  constexpr std::streamoff kTailBytes = 256 * 1024;
  std::vector<nlohmann::json> records;
  read_records(path_, kTailBytes, records);
  for (int n = 1; n <= options_.max_files && records.size() < kRecentCapacity; ++n) {
    std::vector<nlohmann::json> older;
    read_records(rotated(n), kTailBytes, older);
    records.insert(records.begin(), older.begin(), older.end());
  }
  const std::size_t skip = records.size() > kRecentCapacity ? records.size() - kRecentCapacity : 0;
  recent_.assign(records.begin() + static_cast<std::ptrdiff_t>(skip), records.end());
  fd_.reset(::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600));
  if (fd_.get() < 0) throw std::runtime_error(fmt::format("cannot open audit log {}: {}", path_, std::strerror(errno)));
  struct stat st {};
  if (::fstat(fd_.get(), &st) == 0) size_ = static_cast<std::size_t>(st.st_size);
  // A line cut short by a crash would swallow the next record: end it first.
  if (size_ > 0 && !ends_with_newline(path_) && ::write(fd_.get(), "\n", 1) == 1) ++size_;
}

// audit.log.(n-1) -> .n, …, audit.log -> .1, then a new audit.log. A crash between two renames loses no record: each
// file keeps its lines under one name or the next.
Status AuditLog::rotate() {
  if (::fdatasync(fd_.get()) != 0) return Status::failure(fmt::format("fdatasync {}: {}", path_, std::strerror(errno)));
  (void)std::remove(rotated(options_.max_files).c_str());
  for (int n = options_.max_files - 1; n >= 1; --n) (void)std::rename(rotated(n).c_str(), rotated(n + 1).c_str());
  if (std::rename(path_.c_str(), rotated(1).c_str()) != 0) {
    return Status::failure(fmt::format("rotate {}: {}", path_, std::strerror(errno)));
  }
  UniqueFd next(::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600));
  if (next.get() < 0) return Status::failure(fmt::format("open {}: {}", path_, std::strerror(errno)));
  fd_ = std::move(next);
  size_ = 0;
  return Ok{};
}

Status AuditLog::append(nlohmann::json record, bool durable) {
  if (!record.contains("ts")) {
    record["ts"] = format_rfc3339_ms(to_unix_ms(std::chrono::system_clock::now()));
  }
  // Alert labels may carry anything; replace invalid UTF-8 rather than fail to record.
  const std::string line = record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::lock_guard lock(mutex_);
  if (size_ > 0 && size_ + line.size() > options_.max_file_bytes) {
    if (auto rotated_ok = rotate(); !rotated_ok) return rotated_ok;
  }
  // One write() per line: O_APPEND keeps lines whole even if another process appends too.
  const ssize_t n = ::write(fd_.get(), line.data(), line.size());
  if (n != static_cast<ssize_t>(line.size())) {
    return Status::failure(fmt::format("write {}: {}", path_, n < 0 ? std::strerror(errno) : "short write"));
  }
  size_ += line.size();
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

std::vector<nlohmann::json> AuditLog::read_all() const {
  std::lock_guard lock(mutex_);
  std::vector<nlohmann::json> out;
  for (int n = options_.max_files; n >= 1; --n) read_records(rotated(n), 0, out);
  read_records(path_, 0, out);
  return out;
}

}  // namespace openclaw::hook
