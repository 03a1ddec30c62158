#include "state_store.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "fs_util.hpp"

namespace openclaw::hook {
namespace {

using nlohmann::json;

// Version 3 (version 2 plus when the last attempt succeeded and failed) is written; version 2 (pending restarts by
// rule name, with their triggers, notice and busy time) and version 1 still load (tests/restart_hook/fixtures/state/).
constexpr int kFormatVersion = 3;

// A value the writer never produces (a float, a number out of range, a negative index). nlohmann's get<integer>()
// converts a float with a static_cast — undefined behaviour when it does not fit — and the milliseconds of a huge
// time overflowed when made nanoseconds (found by fuzz_hook_state): every number is checked before it is used.
class StateOutOfRange : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

long long stored_integer(const json& value, long long minimum, long long maximum, const char* what) {
  if (!value.is_number_integer()) {
    throw StateOutOfRange(fmt::format("{}: expected an integer, got {}", what, value.dump()));
  }
  const bool fits = value.is_number_unsigned()
                        ? value.get<unsigned long long>() <= static_cast<unsigned long long>(maximum)
                        : value.get<long long>() >= minimum && value.get<long long>() <= maximum;
  if (!fits) throw StateOutOfRange(fmt::format("{}: {} is out of range", what, value.dump()));
  return value.get<long long>();
}

// Unix milliseconds from 1970 to 2200: what to_unix_ms writes for any time the hook lives in. system_clock counts
// nanoseconds in 64 bits, which end in 2262: a later time overflowed (fuzz_hook_state).
constexpr long long kLastStoredMs = 7'258'118'400'000;  // 2200-01-01T00:00:00Z
TimePoint stored_time(const json& value, const char* what) {
  return from_unix_ms(stored_integer(value, 0, kLastStoredMs, what));
}

json optional_time(const std::optional<TimePoint>& t) { return t ? json(to_unix_ms(*t)) : json(nullptr); }

std::optional<TimePoint> read_optional_time(const json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::nullopt;
  return stored_time(*it, key);
}

json gateway_to_json(const GatewayState& gs) {
  json restarts = json::array();
  for (const auto t : gs.restarts) restarts.push_back(to_unix_ms(t));
  json out = {{"restarts", restarts},
              {"last_restart", optional_time(gs.last_restart)},
              {"last_success", optional_time(gs.last_success)},
              {"last_failure", optional_time(gs.last_failure)},
              {"circuit_opened_at", optional_time(gs.circuit_opened_at)},
              {"circuit_reset_at", optional_time(gs.circuit_reset_at)},
              {"in_progress", gs.in_progress},
              {"in_progress_rule", gs.in_progress_rule},
              {"pending", nullptr}};
  if (gs.pending) {
    const PendingRestart& p = *gs.pending;
    out["pending"] = {{"since", to_unix_ms(p.since)},
                      {"rule_name", p.rule_name},
                      {"triggers", p.triggers},
                      {"last_reason", p.last_reason},
                      {"not_before", optional_time(p.not_before)},
                      {"busy_for_ms", p.busy_for.count()},
                      {"busy_seen_at", optional_time(p.busy_seen_at)}};
  }
  return out;
}

PendingRestart pending_from_json(const json& node, int version) {
  PendingRestart p;
  p.since = stored_time(node.at("since"), "since");
  p.last_reason = node.value("last_reason", "");
  if (version == 1) {
    // Version 1 named the rule by its index and held one trigger; the engine resolves the index on load.
    p.rule = static_cast<std::size_t>(stored_integer(node.at("rule"), 0, 1'000'000, "rule"));
    if (auto key = node.value("dedupe_key", ""); !key.empty()) p.triggers.push_back(std::move(key));
    return p;
  }
  p.rule_name = node.at("rule_name").get<std::string>();
  p.triggers = node.at("triggers").get<std::vector<std::string>>();
  p.not_before = read_optional_time(node, "not_before");
  p.busy_for = std::chrono::milliseconds(stored_integer(node.at("busy_for_ms"), 0, kLastStoredMs, "busy_for_ms"));
  p.busy_seen_at = read_optional_time(node, "busy_seen_at");
  return p;
}

GatewayState gateway_from_json(const json& node, int version) {
  GatewayState gs;
  for (const auto& t : node.at("restarts")) gs.restarts.push_back(stored_time(t, "restarts"));
  gs.last_restart = read_optional_time(node, "last_restart");
  gs.last_success = read_optional_time(node, "last_success");
  gs.last_failure = read_optional_time(node, "last_failure");
  gs.circuit_opened_at = read_optional_time(node, "circuit_opened_at");
  gs.circuit_reset_at = read_optional_time(node, "circuit_reset_at");
  gs.in_progress = node.value("in_progress", false);
  gs.in_progress_rule = node.value("in_progress_rule", "");
  if (const auto it = node.find("pending"); it != node.end() && !it->is_null()) {
    gs.pending = pending_from_json(*it, version);
  }
  return gs;
}

}  // namespace

std::string serialize_state(const PolicyState& state) {
  json gateways = json::object();
  for (const auto& [name, gs] : state.gateways) gateways[name] = gateway_to_json(gs);
  json dedupe = json::object();
  for (const auto& [key, expiry] : state.dedupe) dedupe[key] = to_unix_ms(expiry);
  return json{{"version", kFormatVersion}, {"gateways", gateways}, {"dedupe", dedupe}}.dump(1) + "\n";
}

Result<PolicyState> deserialize_state(const std::string& text) {
  try {
    const json root = json::parse(text);
    const int version = static_cast<int>(stored_integer(root.at("version"), 0, 1000, "version"));
    if (version < 1 || version > kFormatVersion) {
      return Result<PolicyState>::failure(fmt::format("unsupported state format version {}", root.at("version").dump()));
    }
    PolicyState state;
    for (const auto& [name, node] : root.at("gateways").items()) state.gateways[name] = gateway_from_json(node, version);
    for (const auto& [key, expiry] : root.at("dedupe").items()) state.dedupe[key] = stored_time(expiry, "dedupe");
    return state;
  } catch (const json::exception& e) {
    return Result<PolicyState>::failure(fmt::format("corrupt state: {}", e.what()));
  } catch (const StateOutOfRange& e) {
    return Result<PolicyState>::failure(fmt::format("corrupt state: {}", e.what()));
  }
}

StateStore::StateStore(std::string state_dir) : path_(std::move(state_dir) + "/state.json") {}

Result<LoadedState> StateStore::read() const {
  std::error_code ec;
  if (!std::filesystem::exists(path_, ec) && !ec) return LoadedState{};
  std::ifstream in(path_);
  if (!in) return Result<LoadedState>::failure(fmt::format("cannot read {}: {}", path_, std::strerror(errno)));
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return Result<LoadedState>::failure(fmt::format("cannot read {}", path_));
  auto state = deserialize_state(buffer.str());
  if (!state) return LoadedState{{}, state.error()};
  return LoadedState{std::move(state).value(), std::nullopt};
}

Result<PolicyState> StateStore::load() const {
  auto loaded = read();
  if (!loaded) return Result<PolicyState>::failure(loaded.error());
  if (loaded->corrupt) return Result<PolicyState>::failure(fmt::format("{}: {}", path_, *loaded->corrupt));
  return std::move(loaded).value().state;
}

Result<std::string> StateStore::set_aside(TimePoint now) const {
  const std::string aside = fmt::format("{}.corrupt-{}", path_, to_unix_ms(now));
  if (std::rename(path_.c_str(), aside.c_str()) != 0) {
    return Result<std::string>::failure(fmt::format("cannot move {} aside: {}", path_, std::strerror(errno)));
  }
  return aside;
}

Status StateStore::save(const PolicyState& state) const { return write_file_atomically(path_, serialize_state(state)); }

void prune_state(PolicyState& state, TimePoint now, std::chrono::milliseconds keep) {
  std::erase_if(state.dedupe, [&](const auto& entry) { return entry.second <= now; });
  for (auto& [name, gs] : state.gateways) {
    std::erase_if(gs.restarts, [&](TimePoint t) { return t <= now - keep; });
  }
}

}  // namespace openclaw::hook
