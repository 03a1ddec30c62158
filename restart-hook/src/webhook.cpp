#include "webhook.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace openclaw::hook {
namespace {

using nlohmann::json;

// Thrown inside this file only, turned into a failed Result at the boundary.
struct ShapeError {
  std::string reason;
};

[[noreturn]] void shape_error(const std::string& field, std::string_view expected) {
  throw ShapeError{fmt::format("{}: {}", field, expected)};
}

// Counts bracket depth outside strings, so a hostile 1 MiB of "[[[[" is refused in one cheap pass.
bool nesting_within(std::string_view body, int limit) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) return false;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return true;
}

std::string optional_string(const json& object, const char* key, const std::string& path) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return {};
  if (!it->is_string()) shape_error(path + "." + key, "expected a string");
  return it->get<std::string>();
}

std::string required_string(const json& object, const char* key, const std::string& path) {
  const auto it = object.find(key);
  if (it == object.end()) shape_error(path + "." + key, "missing");
  if (!it->is_string()) shape_error(path + "." + key, "expected a string");
  return it->get<std::string>();
}

// Prometheus' label name syntax: what a real alert always has, and what keeps names printable in records.
bool valid_label_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxLabelNameBytes) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (!letter && (i == 0 || c < '0' || c > '9')) return false;
  }
  return true;
}

// A key part: bounded, printable ASCII, and free of the '|' that joins the parts of a dedupe key.
void check_key_part(const std::string& value, const std::string& field, std::size_t limit) {
  if (value.empty()) shape_error(field, "must not be empty");
  if (value.size() > limit) shape_error(field, fmt::format("longer than {} bytes", limit));
  for (const char c : value) {
    if (c < 0x21 || c > 0x7e || c == '|') shape_error(field, "expected printable ASCII without '|'");
  }
}

Labels label_set(const json& object, const char* key, const std::string& path, bool required,
                 std::size_t value_limit) {
  Labels labels;
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) {
    if (required) shape_error(path + "." + key, "missing");
    return labels;
  }
  if (!it->is_object()) shape_error(path + "." + key, "expected an object of strings");
  if (it->size() > kMaxLabels) shape_error(path + "." + key, fmt::format("more than {} entries", kMaxLabels));
  for (const auto& [name, value] : it->items()) {
    if (!valid_label_name(name)) {
      shape_error(fmt::format("{}.{}", path, key),
                  fmt::format("a name that is not [a-zA-Z_][a-zA-Z0-9_]* of at most {} bytes", kMaxLabelNameBytes)
                      );
    }
    if (!value.is_string()) shape_error(fmt::format("{}.{}.{}", path, key, name), "expected a string");
    if (value.get_ref<const std::string&>().size() > value_limit) {
      shape_error(fmt::format("{}.{}.{}", path, key, name), fmt::format("longer than {} bytes", value_limit));
    }
    labels.emplace(name, value.get<std::string>());
  }
  return labels;
}

Alert parse_alert(const json& node, const std::string& path) {
  if (!node.is_object()) shape_error(path, "expected an object");
  Alert alert;
  alert.status = required_string(node, "status", path);
  if (alert.status != "firing" && alert.status != "resolved") shape_error(path + ".status", "expected firing or resolved");
  alert.labels = label_set(node, "labels", path, true, kMaxLabelValueBytes);
  alert.annotations = label_set(node, "annotations", path, false, kMaxAnnotationValueBytes);
  alert.starts_at = required_string(node, "startsAt", path);
  check_key_part(alert.starts_at, path + ".startsAt", kMaxStartsAtBytes);
  alert.ends_at = optional_string(node, "endsAt", path);
  alert.generator_url = optional_string(node, "generatorURL", path);
  alert.fingerprint = required_string(node, "fingerprint", path);
  check_key_part(alert.fingerprint, path + ".fingerprint", kMaxFingerprintBytes);
  return alert;
}

WebhookPayload parse_payload(const json& root) {
  if (!root.is_object()) shape_error("payload", "expected a JSON object");
  WebhookPayload payload;
  payload.version = optional_string(root, "version", "payload");
  payload.receiver = optional_string(root, "receiver", "payload");
  payload.status = optional_string(root, "status", "payload");
  payload.group_key = optional_string(root, "groupKey", "payload");
  payload.external_url = optional_string(root, "externalURL", "payload");
  payload.group_labels = label_set(root, "groupLabels", "payload", false, kMaxLabelValueBytes);
  payload.common_labels = label_set(root, "commonLabels", "payload", false, kMaxLabelValueBytes);
  if (const auto it = root.find("truncatedAlerts"); it != root.end() && !it->is_null()) {
    if (!it->is_number_integer()) shape_error("payload.truncatedAlerts", "expected an integer");
    payload.truncated_alerts = it->get<std::int64_t>();
  }
  const auto alerts = root.find("alerts");
  if (alerts == root.end()) shape_error("payload.alerts", "missing");
  if (!alerts->is_array()) shape_error("payload.alerts", "expected an array");
  for (std::size_t i = 0; i < alerts->size(); ++i) {
    payload.alerts.push_back(parse_alert((*alerts)[i], fmt::format("alerts[{}]", i)));
  }
  return payload;
}

}  // namespace

Result<WebhookPayload> parse_webhook(std::string_view body) {
  if (!nesting_within(body, kMaxJsonDepth)) {
    return Result<WebhookPayload>::failure(fmt::format("JSON nested deeper than {} levels", kMaxJsonDepth));
  }
  json root;
  try {
    root = json::parse(body);  // also refuses invalid UTF-8
  } catch (const json::exception& e) {
    return Result<WebhookPayload>::failure(fmt::format("malformed JSON: {}", e.what()));
  }
  try {
    return parse_payload(root);
  } catch (const ShapeError& e) {
    return Result<WebhookPayload>::failure(e.reason);
  } catch (const json::exception& e) {
    return Result<WebhookPayload>::failure(fmt::format("unexpected JSON shape: {}", e.what()));
  }
}

}  // namespace openclaw::hook
