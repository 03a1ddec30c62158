#include "duration.hpp"

#include <array>
#include <cctype>
#include <cstdint>

namespace openclaw {
namespace {

struct Unit {
  std::string_view suffix;
  std::int64_t millis;
};

// Longest suffix first among those sharing a letter ("ms" before "m").
constexpr std::array<Unit, 7> kUnits{{{"y", 365LL * 24 * 3600 * 1000},
                                      {"w", 7LL * 24 * 3600 * 1000},
                                      {"d", 24LL * 3600 * 1000},
                                      {"h", 3600LL * 1000},
                                      {"m", 60LL * 1000},
                                      {"s", 1000},
                                      {"ms", 1}}};

}  // namespace

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (text == "0") return std::chrono::milliseconds{0};
  std::int64_t total = 0;
  std::size_t next_unit = 0;  // units must descend
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::int64_t value = 0;
    const std::size_t digits_start = pos;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos])) != 0) {
      if (value > (INT64_MAX - 9) / 10) return std::nullopt;
      value = value * 10 + (text[pos] - '0');
      ++pos;
    }
    if (pos == digits_start || pos == text.size()) return std::nullopt;
    std::size_t end = pos;
    while (end < text.size() && std::isalpha(static_cast<unsigned char>(text[end])) != 0) ++end;
    const std::string_view suffix = text.substr(pos, end - pos);
    bool matched = false;
    for (std::size_t i = next_unit; i < kUnits.size(); ++i) {
      if (kUnits[i].suffix == suffix) {
        if (value > INT64_MAX / kUnits[i].millis || total > INT64_MAX - value * kUnits[i].millis) return std::nullopt;
        total += value * kUnits[i].millis;
        next_unit = i + 1;
        matched = true;
        break;
      }
    }
    if (!matched) return std::nullopt;
    pos = end;
  }
  return std::chrono::milliseconds{total};
}

std::string format_duration(std::chrono::milliseconds duration) {
  std::int64_t remaining = duration.count();
  if (remaining == 0) return "0s";
  std::string out;
  if (remaining < 0) {
    out = "-";
    remaining = -remaining;
  }
  for (const Unit& unit : kUnits) {
    if (unit.suffix == "y" || unit.suffix == "w") continue;  // days read better than weeks in logs
    const std::int64_t count = remaining / unit.millis;
    if (count > 0) {
      out += std::to_string(count);
      out += unit.suffix;
      remaining -= count * unit.millis;
    }
  }
  return out;
}

}  // namespace openclaw
