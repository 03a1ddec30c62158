#pragma once

#include <string_view>

namespace openclaw {

enum class LogFormat { kLogfmt, kJson };

// Parses "logfmt" or "json"; throws std::invalid_argument naming the expected values.
LogFormat parse_log_format(std::string_view text);

// Configures the default spdlog logger to write one line per event to stderr, in logfmt or JSON, with
// the given level ("debug", "info", "warn", "error"). Throws std::invalid_argument on an unknown level.
void setup_logging(std::string_view level, LogFormat format);

}  // namespace openclaw
