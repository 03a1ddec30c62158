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

// What one alert may carry. The fingerprint and startsAt become dedupe keys kept in state.json for dedupe_ttl,
// labels go into audit records: all must stay small whatever a sender puts in them. Alertmanager sends a 16-digit
// hex fingerprint, a 20-35 character startsAt, and a few dozen short labels.
inline constexpr std::size_t kMaxFingerprintBytes = 64;
inline constexpr std::size_t kMaxStartsAtBytes = 64;
inline constexpr std::size_t kMaxLabels = 64;            // per alert, for labels and for annotations
inline constexpr std::size_t kMaxLabelNameBytes = 128;
inline constexpr std::size_t kMaxLabelValueBytes = 1024;
inline constexpr std::size_t kMaxAnnotationValueBytes = 16 * 1024;

// No I/O. Fails with a reason naming the offending field ("alerts[2].labels.instance: expected a string").
Result<WebhookPayload> parse_webhook(std::string_view body);

}  // namespace openclaw::hook
