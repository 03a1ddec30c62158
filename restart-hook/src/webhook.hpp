#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "label_matcher.hpp"
#include "result.hpp"

namespace openclaw::hook {

struct Alert {
  std::string status;  // "firing" | "resolved"
  Labels labels;
  Labels annotations;
  std::string starts_at;
  std::string ends_at;
  std::string generator_url;
  std::string fingerprint;
  // What dedupe keys on: the same alert instance, however often (and by however many Alertmanagers) it is sent.
  std::string dedupe_key() const { return fingerprint + "|" + starts_at; }
};

// Alertmanager's webhook payload, version "4". Unknown fields (later versions) are ignored.
struct WebhookPayload {
  std::string version;
  std::string receiver;
  std::string status;
  std::string group_key;
  std::string external_url;
  Labels group_labels;
  Labels common_labels;
  std::int64_t truncated_alerts = 0;
  std::vector<Alert> alerts;
};

// Nesting deeper than this is refused before parsing (a real payload nests 3 levels).
inline constexpr int kMaxJsonDepth = 16;

// No I/O. Fails with a reason naming the offending field ("alerts[2].labels.instance: expected a string").
Result<WebhookPayload> parse_webhook(std::string_view body);

}  // namespace openclaw::hook
