// GET /: a small page for the human who wants to know what the hook did and why.
#include <fmt/format.h>

#include "handlers.hpp"

namespace openclaw::hook {
namespace {

std::string escape_html(std::string_view text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string field(const nlohmann::json& record, const char* key) {
  const auto it = record.find(key);
  if (it == record.end() || it->is_null()) return "";
  return escape_html(it->is_string() ? it->get<std::string>() : it->dump());
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
    const auto alert = it->find("alert");
    const std::string alertname = alert != it->end() && alert->contains("labels") && (*alert)["labels"].contains("alertname")
                                      ? escape_html((*alert)["labels"]["alertname"].get<std::string>())
                                      : "";
    html += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}{}</td><td>{}</td></tr>",
                        field(*it, "ts"), field(*it, "event"), field(*it, "gateway"), field(*it, "decision"),
                        field(*it, "reason"), field(*it, "result"), alertname);
  }
  return html + "</table><p><a href=\"/api/v1/decisions\">as JSON</a> · <a href=\"/metrics\">metrics</a></p>"
                "</body></html>\n";
}

}  // namespace openclaw::hook
