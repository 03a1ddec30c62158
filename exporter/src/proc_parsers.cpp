#include "proc_parsers.hpp"

#include <charconv>
#include <cstddef>
#include <limits>

namespace openclaw::exporter {
namespace {

constexpr std::string_view kSpaces = " \t\n\r\f\v";

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(kSpaces);
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(kSpaces);
  return text.substr(first, last - first + 1);
}

template <typename Int>
std::optional<Int> parse_int(std::string_view text) {
  Int value{};
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc{} || ptr != end) return std::nullopt;
  return value;
}

// Splits on runs of whitespace.
std::vector<std::string_view> fields_of(std::string_view text) {
  std::vector<std::string_view> fields;
  std::size_t pos = 0;
  while ((pos = text.find_first_not_of(kSpaces, pos)) != std::string_view::npos) {
    const auto end = text.find_first_of(kSpaces, pos);
    fields.push_back(text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos));
    pos = end;
  }
  return fields;
}

// Calls `visit(line)` for each line until it returns true.
template <typename Visit>
void for_each_line(std::string_view text, Visit&& visit) {
  while (!text.empty()) {
    const auto newline = text.find('\n');
    const auto line = text.substr(0, newline);
    if (visit(line)) return;
    if (newline == std::string_view::npos) return;
    text.remove_prefix(newline + 1);
  }
}

// The value after "key" at the start of a line ("VmRSS:\t  1234 kB" → "1234 kB").
std::optional<std::string_view> value_of(std::string_view text, std::string_view key) {
  std::optional<std::string_view> found;
  for_each_line(text, [&](std::string_view line) {
    if (!line.starts_with(key)) return false;
    found = trim(line.substr(key.size()));
    return true;
  });
  return found;
}

// "1234 kB" → bytes.
std::optional<std::uint64_t> parse_kib(std::string_view value) {
  const auto fields = fields_of(value);
  if (fields.size() != 2 || fields[1] != "kB") return std::nullopt;
  const auto kib = parse_int<std::uint64_t>(fields[0]);
  if (!kib || *kib > std::numeric_limits<std::uint64_t>::max() / 1024) return std::nullopt;
  return *kib * 1024;
}

}  // namespace

Result<ProcStat> parse_proc_stat(std::string_view text) {
  // comm is free text chosen by the process ("a) (b" is legal) but cannot hold a newline and is the only field
  // that can hold ')', so the last ')' ends it.
  const auto open = text.find('(');
  const auto close = text.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
    return Result<ProcStat>::failure("stat: no '(comm)' field");
  }
  ProcStat stat;
  const auto pid = parse_int<int>(trim(text.substr(0, open)));
  if (!pid) return Result<ProcStat>::failure("stat: bad pid field");
  stat.pid = *pid;
  stat.comm = std::string(text.substr(open + 1, close - open - 1));

  // fields[k] is proc(5) field k + 3.
  const auto fields = fields_of(text.substr(close + 1));
  if (fields.size() < 22) return Result<ProcStat>::failure("stat: expected at least 24 fields");
  if (fields[0].size() != 1) return Result<ProcStat>::failure("stat: bad state field");
  stat.state = fields[0][0];
  const auto ppid = parse_int<int>(fields[1]);
  const auto utime = parse_int<std::uint64_t>(fields[11]);
  const auto stime = parse_int<std::uint64_t>(fields[12]);
  // cutime/cstime/rss are signed longs in the kernel's format string but never negative in practice.
  const auto cutime = parse_int<std::uint64_t>(fields[13]);
  const auto cstime = parse_int<std::uint64_t>(fields[14]);
  const auto threads = parse_int<std::uint64_t>(fields[17]);
  const auto starttime = parse_int<std::uint64_t>(fields[19]);
  const auto rss = parse_int<std::uint64_t>(fields[21]);
  if (!ppid || !utime || !stime || !cutime || !cstime || !threads || !starttime || !rss) {
    return Result<ProcStat>::failure("stat: non-numeric field");
  }
  stat.ppid = *ppid;
  stat.utime_ticks = *utime;
  stat.stime_ticks = *stime;
  stat.cutime_ticks = *cutime;
  stat.cstime_ticks = *cstime;
  stat.num_threads = *threads;
  stat.starttime_ticks = *starttime;
  stat.rss_pages = *rss;
  return stat;
}

Result<ProcStatus> parse_proc_status(std::string_view text) {
  ProcStatus status;
  const auto threads = value_of(text, "Threads:");
  if (!threads) return Result<ProcStatus>::failure("status: no Threads line");
  status.threads = parse_int<std::uint64_t>(*threads);
  if (!status.threads) return Result<ProcStatus>::failure("status: bad Threads value");
  if (const auto rss = value_of(text, "VmRSS:")) {
    status.vm_rss_bytes = parse_kib(*rss);
    if (!status.vm_rss_bytes) return Result<ProcStatus>::failure("status: bad VmRSS value");
  }
  return status;
}

Result<std::optional<std::uint64_t>> parse_max_open_files(std::string_view text) {
  using R = Result<std::optional<std::uint64_t>>;
  // Columns are space-padded and the limit names contain spaces: "Max open files  1024  4096  files".
  const auto rest = value_of(text, "Max open files");
  if (!rest) return R::failure("limits: no 'Max open files' line");
  const auto fields = fields_of(*rest);
  if (fields.empty()) return R::failure("limits: 'Max open files' has no soft limit");
  if (fields[0] == "unlimited") return std::optional<std::uint64_t>{};
  const auto soft = parse_int<std::uint64_t>(fields[0]);
  if (!soft) return R::failure("limits: bad 'Max open files' soft limit");
  return std::optional<std::uint64_t>{*soft};
}

Result<MemInfo> parse_meminfo(std::string_view text) {
  const auto total = value_of(text, "MemTotal:");
  // MemAvailable exists since Linux 3.14; an older kernel is a failure rather than a guess.
  const auto available = value_of(text, "MemAvailable:");
  if (!total || !available) return Result<MemInfo>::failure("meminfo: no MemTotal or MemAvailable line");
  const auto total_bytes = parse_kib(*total);
  const auto available_bytes = parse_kib(*available);
  if (!total_bytes || !available_bytes) return Result<MemInfo>::failure("meminfo: bad MemTotal or MemAvailable");
  return MemInfo{*total_bytes, *available_bytes};
}

Result<std::uint64_t> parse_boot_time(std::string_view text) {
  const auto value = value_of(text, "btime ");
  if (!value) return Result<std::uint64_t>::failure("stat: no btime line");
  const auto btime = parse_int<std::uint64_t>(*value);
  if (!btime) return Result<std::uint64_t>::failure("stat: bad btime value");
  return *btime;
}

std::optional<std::string> ProcCgroups::v1_path(std::string_view controller) const {
  const auto it = v1_paths.find(controller);
  if (it == v1_paths.end()) return std::nullopt;
  return it->second;
}

Result<ProcCgroups> parse_proc_cgroup(std::string_view text) {
  ProcCgroups groups;
  std::optional<std::string> error;
  for_each_line(text, [&](std::string_view line) {
    if (trim(line).empty()) return false;
    // "hierarchy-id:controller-list:path"; the path may itself contain ':'.
    const auto first = line.find(':');
    const auto second = first == std::string_view::npos ? first : line.find(':', first + 1);
    if (second == std::string_view::npos) {
      error = "cgroup: malformed line '" + std::string(line) + "'";
      return true;
    }
    const auto controllers = line.substr(first + 1, second - first - 1);
    const auto path = std::string(line.substr(second + 1));
    if (line.substr(0, first) == "0" && controllers.empty()) {
      groups.v2_path = path;
      return false;
    }
    std::size_t pos = 0;
    while (pos <= controllers.size()) {
      const auto comma = controllers.find(',', pos);
      const auto name = controllers.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
      if (!name.empty()) groups.v1_paths.emplace(std::string(name), path);
      if (comma == std::string_view::npos) break;
      pos = comma + 1;
    }
    return false;
  });
  if (error) return Result<ProcCgroups>::failure(*error);
  return groups;
}

Result<std::optional<std::uint64_t>> parse_cgroup_v2_memory_max(std::string_view text) {
  using R = Result<std::optional<std::uint64_t>>;
  const auto value = trim(text);
  if (value == "max") return std::optional<std::uint64_t>{};
  const auto bytes = parse_int<std::uint64_t>(value);
  if (!bytes) return R::failure("memory.max: expected 'max' or bytes, got '" + std::string(value) + "'");
  return std::optional<std::uint64_t>{*bytes};
}

Result<std::optional<std::uint64_t>> parse_cgroup_v1_memory_limit(std::string_view text) {
  using R = Result<std::optional<std::uint64_t>>;
  const auto value = trim(text);
  const auto bytes = parse_int<std::uint64_t>(value);
  if (!bytes) return R::failure("memory.limit_in_bytes: expected bytes, got '" + std::string(value) + "'");
  // The kernel stores "unlimited" as PAGE_COUNTER_MAX pages and prints it times the page size: LONG_MAX rounded
  // down to a page. Anything within 1 MiB of LONG_MAX is that value for every page size up to 1 MiB, and no real
  // limit is that large.
  constexpr std::uint64_t kUnlimitedFloor =
      static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) - (std::uint64_t{1} << 20);
  if (*bytes >= kUnlimitedFloor) return std::optional<std::uint64_t>{};
  return std::optional<std::uint64_t>{*bytes};
}

Result<std::vector<int>> parse_task_children(std::string_view text) {
  std::vector<int> pids;
  for (const auto field : fields_of(text)) {
    const auto pid = parse_int<int>(field);
    if (!pid || *pid <= 0) return Result<std::vector<int>>::failure("children: bad pid '" + std::string(field) + "'");
    pids.push_back(*pid);
  }
  return pids;
}

std::string join_cmdline(std::string_view raw) {
  while (!raw.empty() && raw.back() == '\0') raw.remove_suffix(1);
  std::string joined(raw);
  for (auto& c : joined) {
    if (c == '\0') c = ' ';
  }
  return joined;
}

Result<int> parse_pid_text(std::string_view text) {
  const auto value = trim(text);
  const auto pid = parse_int<int>(value);
  if (!pid || *pid <= 0) return Result<int>::failure("expected a positive pid, got '" + std::string(value) + "'");
  return *pid;
}

Result<SmapsRollup> parse_smaps_rollup(std::string_view text) {
  // "Pss:" and "Rss:" with the colon: "Pss_Anon:", "Pss_File:" … are parts of Pss, not Pss.
  const auto rss = value_of(text, "Rss:");
  const auto pss = value_of(text, "Pss:");
  if (!rss || !pss) return Result<SmapsRollup>::failure("smaps_rollup: no Rss or Pss line");
  const auto rss_bytes = parse_kib(*rss);
  const auto pss_bytes = parse_kib(*pss);
  if (!rss_bytes || !pss_bytes) return Result<SmapsRollup>::failure("smaps_rollup: bad Rss or Pss value");
  return SmapsRollup{*rss_bytes, *pss_bytes};
}

Result<std::uint64_t> parse_cgroup_bytes(std::string_view text) {
  const auto value = trim(text);
  const auto bytes = parse_int<std::uint64_t>(value);
  if (!bytes) return Result<std::uint64_t>::failure("expected bytes, got '" + std::string(value) + "'");
  return *bytes;
}

Result<std::uint64_t> parse_cgroup_memory_stat(std::string_view text, std::string_view key) {
  std::optional<std::string_view> value;
  for_each_line(text, [&](std::string_view line) {
    // The key and a space: "inactive_file" must not match "inactive_file_xyz".
    if (line.size() <= key.size() || !line.starts_with(key) || line[key.size()] != ' ') return false;
    value = trim(line.substr(key.size()));
    return true;
  });
  if (!value) return Result<std::uint64_t>::failure("memory.stat: no " + std::string(key) + " line");
  const auto bytes = parse_int<std::uint64_t>(*value);
  if (!bytes) return Result<std::uint64_t>::failure("memory.stat: bad " + std::string(key) + " value");
  return *bytes;
}

std::vector<std::string_view> split_cmdline(std::string_view raw) {
  std::vector<std::string_view> args;
  std::size_t pos = 0;
  while (pos < raw.size()) {
    auto end = raw.find('\0', pos);
    if (end == std::string_view::npos) end = raw.size();
    if (end > pos) args.push_back(raw.substr(pos, end - pos));
    pos = end + 1;
  }
  return args;
}

bool cmdline_is_retitled(std::string_view raw) {
  return raw.starts_with('\0') || raw.find(std::string_view("\0\0", 2)) != std::string_view::npos;
}

std::optional<std::string_view> environ_value(std::string_view raw, std::string_view name) {
  for (const auto entry : split_cmdline(raw)) {
    if (entry.size() > name.size() && entry.starts_with(name) && entry[name.size()] == '=') {
      return entry.substr(name.size() + 1);
    }
  }
  return std::nullopt;
}

}  // namespace openclaw::exporter
