#include "shutdown_budget.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <map>
#include <regex>
#include <sstream>
#include <vector>

#include "fixture_options.hpp"

extern char** environ;

namespace openclaw::fixture {
namespace {

using std::chrono::milliseconds;

constexpr double kShutdownCapMs = 325000;
constexpr double kExitMarginMs = 5000;
constexpr double kReserveMs = 10000;
constexpr double kUnreadableTimeoutStopMs = 90000;  // SYSTEMD_DEFAULT_STOP_TIMEOUT_MS
constexpr double kOwnStopPolicyMs = 330000;         // not under systemd: "Gateway stop policy"

std::string env_or_empty(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string{} : std::string{value};
}

std::string millis_text(double ms) {
  return std::isinf(ms) ? "Infinityms" : std::to_string(static_cast<long long>(std::llround(ms))) + "ms";
}

struct Output {
  int exit_code = -1;  // -1: did not finish (killed after the timeout) or could not start
  std::string text;    // stdout and stderr
};

// Runs argv with stdout+stderr captured, no shell, an empty signal mask (main() blocks the signals it waits for),
// and kills it after `timeout`.
Output run_for_output(const std::vector<std::string>& args, milliseconds timeout) {
  Output output;
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return output;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK);
  std::vector<char*> argv;
  for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int spawned = ::posix_spawnp(&pid, argv[0], &actions, &attributes, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  ::close(fds[1]);
  if (spawned != 0) {
    ::close(fds[0]);
    output.text = std::string("cannot run ") + args.front();
    return output;
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  bool timed_out = false;
  for (;;) {
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd poll_fd{fds[0], POLLIN, 0};
    if (::poll(&poll_fd, 1, static_cast<int>(left.count())) <= 0) continue;
    char buffer[4096];
    const ssize_t got = ::read(fds[0], buffer, sizeof buffer);
    if (got <= 0) break;
    output.text.append(buffer, static_cast<std::size_t>(got));
  }
  ::close(fds[0]);
  if (timed_out) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!timed_out && WIFEXITED(status)) output.exit_code = WEXITSTATUS(status);
  if (timed_out) output.text += "timed out";
  return output;
}

std::string one_line(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text.substr(0, 500);
}

// Asks one manager for the unit's TimeoutStopUSec: the value in ms, or the reason it failed.
std::optional<double> read_timeout_stop(bool user, const std::string& unit, std::string& failure) {
  std::vector<std::string> argv = {"systemctl"};
  if (user) argv.emplace_back("--user");
  argv.insert(argv.end(), {"show", unit, "--no-page", "--property", "TimeoutStopUSec,InvocationID,LoadState"});
  const Output result = run_for_output(argv, milliseconds(2000));
  const std::string who = std::string(user ? "user" : "system") + " manager " + unit + ": ";
  if (result.exit_code != 0) {
    failure = who + "systemctl show exited " + std::to_string(result.exit_code) + ": " + one_line(result.text);
    return std::nullopt;
  }
  std::map<std::string, std::string> properties;
  std::istringstream lines(result.text);
  for (std::string line; std::getline(lines, line);) {
    const auto eq = line.find('=');
    if (eq != std::string::npos) properties[line.substr(0, eq)] = line.substr(eq + 1);
  }
  if (properties["LoadState"] != "loaded") {
    failure = who + "LoadState=" + (properties["LoadState"].empty() ? "missing" : properties["LoadState"]);
    return std::nullopt;
  }
  const std::string invocation = env_or_empty("INVOCATION_ID");
  if (!invocation.empty() && properties["InvocationID"] != invocation) {
    failure = who + "InvocationID does not match the running process";
    return std::nullopt;
  }
  const auto timeout = parse_systemd_time_span_ms(properties["TimeoutStopUSec"]);
  if (!timeout) failure = who + "TimeoutStopUSec is missing or invalid";
  return timeout;
}

bool systemd_environment() {
  for (const char* name : {"INVOCATION_ID", "SYSTEMD_EXEC_PID", "JOURNAL_STREAM", "OPENCLAW_SYSTEMD_UNIT"}) {
    if (!env_or_empty(name).empty()) return true;
  }
  return false;
}

}  // namespace

std::string ShutdownBudget::log_line(std::string_view phase) const {
  return "shutdown budget at " + std::string(phase) + ": drain=" + std::to_string(drain.count()) +
         "ms shutdown=" + std::to_string(shutdown.count()) + "ms reserve=" + std::to_string(reserve.count()) +
         "ms exitMargin=" + std::to_string(static_cast<long long>(kExitMarginMs)) + "ms; source=" + source;
}

ShutdownBudget budget_for_timeout_stop(double timeout_stop_ms, const std::string& source) {
  const double stop = timeout_stop_ms == 0 ? std::numeric_limits<double>::infinity() : timeout_stop_ms;
  const double shutdown = std::max(0.0, std::min(kShutdownCapMs, stop - kExitMarginMs));
  ShutdownBudget budget;
  budget.shutdown = milliseconds(std::llround(shutdown));
  budget.drain = milliseconds(std::llround(std::max(0.0, shutdown - kReserveMs)));
  budget.reserve = milliseconds(std::llround(std::min(kReserveMs, shutdown)));
  budget.source = source + "=" + millis_text(stop);
  return budget;
}

std::optional<double> parse_systemd_time_span_ms(std::string_view text) {
  static const std::map<std::string, double, std::less<>> units = {
      {"us", 0.001},    {"usec", 0.001},    {"ms", 1},          {"msec", 1},        {"s", 1e3},
      {"sec", 1e3},     {"second", 1e3},    {"seconds", 1e3},   {"m", 6e4},         {"min", 6e4},
      {"minute", 6e4},  {"minutes", 6e4},   {"h", 36e5},        {"hr", 36e5},       {"hour", 36e5},
      {"hours", 36e5},  {"d", 864e5},       {"day", 864e5},     {"days", 864e5},    {"w", 6048e5},
      {"week", 6048e5}, {"weeks", 6048e5},  {"M", 26298e5},     {"month", 26298e5}, {"months", 26298e5},
      {"y", 315576e5},  {"year", 315576e5}, {"years", 315576e5}};
  std::string rest(text);
  while (!rest.empty() && std::isspace(static_cast<unsigned char>(rest.back()))) rest.pop_back();
  while (!rest.empty() && std::isspace(static_cast<unsigned char>(rest.front()))) rest.erase(0, 1);
  if (rest == "infinity") return std::numeric_limits<double>::infinity();
  if (rest.empty()) return std::nullopt;
  static const std::regex part(R"(^(\d+(?:\.\d+)?|\.\d+)\s*([a-zA-Z]+)?\s*)");
  double total = 0;
  std::smatch match;
  while (!rest.empty()) {
    if (!std::regex_search(rest, match, part)) return std::nullopt;
    double factor = 1e3;
    if (match[2].matched) {
      const auto unit = units.find(match[2].str());
      if (unit == units.end()) return std::nullopt;
      factor = unit->second;
    }
    total += std::stod(match[1].str()) * factor;
    rest = rest.substr(static_cast<std::size_t>(match[0].length()));
  }
  return total;
}

std::optional<CgroupUnit> unit_from_cgroup(std::string_view proc_self_cgroup) {
  std::string membership;
  std::string v2;
  std::istringstream lines{std::string(proc_self_cgroup)};
  for (std::string line; std::getline(lines, line);) {
    // ID:CONTROLLERS:PATH
    const auto first = line.find(':');
    const auto second = first == std::string::npos ? std::string::npos : line.find(':', first + 1);
    if (second == std::string::npos) continue;
    const std::string controllers = "," + line.substr(first + 1, second - first - 1) + ",";
    if (controllers.find(",name=systemd,") != std::string::npos) membership = line.substr(second + 1);
    if (line.starts_with("0::")) v2 = line.substr(second + 1);
  }
  const std::string path = membership.empty() ? v2 : membership;
  std::string leaf;
  std::istringstream parts(path);
  for (std::string part; std::getline(parts, part, '/');) {
    if (part.ends_with(".service") || part.ends_with(".scope")) leaf = part;
  }
  if (!leaf.ends_with(".service")) return std::nullopt;
  static const std::regex user_manager(R"(/user@\d+\.service/)");
  return CgroupUnit{leaf, std::regex_search(path, user_manager)};
}

ShutdownBudget resolve_shutdown_budget(const FixtureOptions& options) {
  if (options.timeout_stop) {
    return budget_for_timeout_stop(static_cast<double>(options.timeout_stop->count()), "fixture --timeout-stop-sec");
  }
  std::ifstream file("/proc/self/cgroup");
  const std::string cgroup((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  const auto from_cgroup = unit_from_cgroup(cgroup);
  if (!from_cgroup && !systemd_environment()) return budget_for_timeout_stop(kOwnStopPolicyMs, "Gateway stop policy");
  std::string unit = from_cgroup ? from_cgroup->unit : env_or_empty("OPENCLAW_SYSTEMD_UNIT");
  if (unit.empty()) unit = "openclaw-gateway.service";
  std::vector<bool> scopes = from_cgroup ? std::vector<bool>{from_cgroup->user} : std::vector<bool>{true, false};
  std::string failures;
  for (const bool user : scopes) {
    std::string failure;
    if (const auto timeout = read_timeout_stop(user, unit, failure)) {
      return budget_for_timeout_stop(
          *timeout, std::string("systemd ") + (user ? "user " : "system ") + unit + " TimeoutStopUSec");
    }
    failures += (failures.empty() ? "" : "; ") + failure;
  }
  ShutdownBudget budget = budget_for_timeout_stop(kUnreadableTimeoutStopMs,
                                                  "systemd " + unit + " timeout unavailable; default TimeoutStopUSec");
  budget.warning = "Unable to read systemd stop timeout; " + failures +
                   "; using 90000ms default. Check the running "
                   "unit with systemctl show.";
  return budget;
}

}  // namespace openclaw::fixture
