#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "clock.hpp"
#include "config.hpp"
#include "policy_state.hpp"

namespace openclaw::hook {

// When state.json is corrupt, what the audit log shows done becomes the state again, so that nothing the log shows
// done is done twice: each restart decision's start (cooldown, circuit) and the alert it served (dedupe, for
// dedupe_ttl from the decision), a circuit opened or reset, each attempt's result, and a restart decided but not
// finished (in progress: the engine verifies the gateway). Pending restarts are not rebuilt: their alerts are
// delivered again and decided anew. `records` oldest first (AuditLog::read_all). Pure.
PolicyState rebuild_state_from_audit(const std::vector<nlohmann::json>& records, const Config& config, TimePoint now);

// "2026-03-10T12:34:56.789Z" -> TimePoint; nullopt for anything else.
std::optional<TimePoint> parse_audit_time(const std::string& text);

}  // namespace openclaw::hook
