// GET /: a small page for the human who wants to know what the hook did and why.
#include <fmt/format.h>

#include "handlers.hpp"

namespace openclaw::hook {
namespace {

// Length of the well-formed UTF-8 sequence at text[i] (no overlongs, no surrogates, at most U+10FFFF), 0 if none.
std::size_t utf8_sequence_length(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  if (lead < 0x80) return 1;
  std::size_t n = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    n = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    n = 3;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    n = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (i + n > text.size() || byte(i + 1) < low || byte(i + 1) > high) return 0;
  for (std::size_t k = 2; k < n; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return n;
}

// Everything shown comes from alerts or the audit log: markup characters become entities, and bytes that are
// not well-formed UTF-8 (or are control characters) become U+FFFD, so the page is always valid text.
std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    const std::size_t n = utf8_sequence_length(text, i);
    if (n == 0 || (n == 1 && static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n')) {
      out += "\xEF\xBF\xBD";  // U+FFFD
      i += n == 0 ? 1 : n;
      continue;
    }
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.append(text.substr(i, n));
    }
    i += n;
  }
  return out;
}

std::string field_text(const nlohmann::json& value) {
  if (value.is_null()) return "";
  return escape_html(value.is_string() ? value.get_ref<const std::string&>()
                                       : value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

std::string field(const nlohmann::json& record, const char* key) {
  if (!record.is_object()) return "";
  const auto it = record.find(key);
  return it == record.end() ? "" : field_text(*it);
}

}  // namespace

std::string render_index(const Config& config, bool dry_run, const std::vector<nlohmann::json>& decisions) {
  std::string html =
      "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>openclaw-restart-hook</title></head><body>"
      "<h1>openclaw-restart-hook</h1>";
  if (dry_run) html += "<p><strong>dry run: decisions are recorded, nothing is restarted</strong></p>";
  html += fmt::format("<h2>Policy</h2><p>cooldown {} ms, at most {} restarts per {} ms, verify_timeout {} ms</p>",
                      config.policy.cooldown.count(), config.policy.max_restarts, config.policy.window.count(),
                      config.policy.verify_timeout.count());
  html += "<h2>Gateways</h2><ul>";
  for (const auto& gw : config.gateways) {
    html += fmt::format("<li>{} — unit {}, health {}, match {}</li>", escape_html(gw.name), escape_html(gw.unit),
                        escape_html(gw.health_url), escape_html(gw.match.describe()));
  }
  html += "</ul><h2>Rules</h2><ul>";
  for (const auto& rule : config.rules) {
    html += fmt::format("<li>{}: {} → {} ({})</li>", escape_html(rule.name), escape_html(rule.match.describe()),
                        to_string(rule.action), to_string(rule.urgency));
  }
  html += "</ul><h2>Last decisions</h2><table border=\"1\"><tr><th>time</th><th>event</th><th>gateway</th>"
          "<th>decision</th><th>reason / result</th><th>alert</th></tr>";
  for (auto it = decisions.rbegin(); it != decisions.rend(); ++it) {
    // Records read back from audit.log may have any shape: look, never assume (a throw here would be a 500).
    const auto alertname = nlohmann::json::json_pointer("/alert/labels/alertname");
    const std::string alert = it->is_object() && it->contains(alertname) ? field_text(it->at(alertname)) : "";
    html += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}{}</td><td>{}</td></tr>",
                        field(*it, "ts"), field(*it, "event"), field(*it, "gateway"), field(*it, "decision"),
                        field(*it, "reason"), field(*it, "result"), alert);
  }
  return html + "</table><p><a href=\"/api/v1/decisions\">as JSON</a> · <a href=\"/metrics\">metrics</a></p>"
                "</body></html>\n";
}

}  // namespace openclaw::hook
