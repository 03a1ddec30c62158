#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace openclaw {

// Parses a Prometheus-style duration: "90s", "15m", "1h30m", "500ms", "2d", "1w". Units must appear in
// descending order, each at most once. Returns nullopt for anything else (including the empty string).
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

// The inverse: the shortest Prometheus-style spelling ("1h30m", "0s", "250ms").
std::string format_duration(std::chrono::milliseconds duration);

}  // namespace openclaw
