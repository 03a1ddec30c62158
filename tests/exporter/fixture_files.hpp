#pragma once
// Where the exporter's in-process tests find the captured fixtures (tests/exporter/fixtures; CMake passes the path).
#include <string>

namespace openclaw::exporter {

inline const std::string kFixtures = OPENCLAW_EXPORTER_FIXTURES;
// A log the real gateway wrote (fixtures/gateway-log/README).
inline const std::string kRealLog = kFixtures + "/gateway-log/heap240-openclaw-2026-12-01.log";

}  // namespace openclaw::exporter
