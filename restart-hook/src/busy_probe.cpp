#include "busy_probe.hpp"

#include <curl/curl.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace openclaw::hook {
namespace {

size_t append(char* data, size_t size, size_t count, void* user) {
  auto* out = static_cast<std::string*>(user);
  if (out->size() > 4U << 20U) return 0;  // a sane answer is small
  out->append(data, size * count);
  return size * count;
}

std::optional<std::string> http_get(const std::string& url) {
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return std::nullopt;
  std::string body;
  long status = 0;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 5000L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  const bool ok = curl_easy_perform(curl) == CURLE_OK &&
                  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK && status == 200;
  curl_easy_cleanup(curl);
  if (!ok) return std::nullopt;
  return body;
}

std::string read_all(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace

int count_established(std::string_view text, int port) {
  int count = 0;
  std::istringstream in{std::string(text)};
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state;
    fields >> slot >> local >> remote >> state;
    const auto colon = local.rfind(':');
    if (colon == std::string::npos || state != "01") continue;  // 01: TCP_ESTABLISHED
    int local_port = 0;
    std::from_chars(local.data() + colon + 1, local.data() + local.size(), local_port, 16);
    if (local_port == port) ++count;
  }
  return count;
}

std::optional<int> url_port(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::nullopt;
  const bool https = url.substr(0, scheme_end) == "https";
  std::string_view rest = url.substr(scheme_end + 3);
  rest = rest.substr(0, rest.find('/'));
  const auto colon = rest.rfind(':');
  if (colon == std::string_view::npos || rest.ends_with(']')) return https ? 443 : 80;
  int port = 0;
  const auto [ptr, ec] = std::from_chars(rest.data() + colon + 1, rest.data() + rest.size(), port);
  if (ec != std::errc{} || ptr != rest.data() + rest.size()) return std::nullopt;
  return port;
}

std::optional<std::size_t> promql_result_count(std::string_view text) {
  const auto json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded() || !json.is_object() || json.value("status", "") != "success") return std::nullopt;
  const auto data = json.find("data");
  if (data == json.end() || !data->is_object()) return std::nullopt;
  const auto result = data->find("result");
  if (result == data->end() || !result->is_array()) return std::nullopt;
  return result->size();
}

std::optional<double> json_number_at(std::string_view text, const std::string& dotted_path) {
  const auto json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded()) return std::nullopt;
  std::string pointer = "/" + dotted_path;
  std::replace(pointer.begin(), pointer.end(), '.', '/');
  try {
    const nlohmann::json& value = json.at(nlohmann::json::json_pointer(pointer));
    if (!value.is_number()) return std::nullopt;
    return value.get<double>();
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;  // no such key, or a path through an array or a scalar
  }
}

std::optional<bool> SystemBusyProbe::connections(const GatewayConfig& gateway, const BusyConfig& config) const {
  const auto port = url_port(gateway.health_url);
  if (!port) return std::nullopt;
  const int established = count_established(read_all(proc_root_ + "/net/tcp"), *port) +
                          count_established(read_all(proc_root_ + "/net/tcp6"), *port);
  return established > config.max_connections;
}

// The command's stdout is expected to be the JSON document; its stderr is kept apart (the runner interleaves
// both, so the output is parsed from its first '{').
std::optional<bool> SystemBusyProbe::command(const GatewayConfig& gateway, const BusyConfig& config) const {
  std::vector<std::string> env = {"OPENCLAW_GATEWAY_NAME=" + gateway.name, "OPENCLAW_GATEWAY_UNIT=" + gateway.unit};
  if (const auto port = url_port(gateway.health_url)) env.push_back("OPENCLAW_GATEWAY_PORT=" + std::to_string(*port));
  for (const auto& [name, file] : config.command_env_files) {
    std::ifstream in(file);
    if (!in) {
      spdlog::warn("gateway {}: busy check: cannot read {} for {}", gateway.name, file, name);
      return std::nullopt;
    }
    std::string value;
    std::getline(in, value);
    env.push_back(name + "=" + value);
  }
  const ProcessResult run = runner_.run(config.command, config.command_timeout, env);
  if (!run.ok()) {
    spdlog::warn("gateway {}: busy check {} {}: {}", gateway.name, config.command.front(),
                 run.timed_out ? "timed out" : "exited " + std::to_string(run.exit_code),
                 run.output.substr(0, 300));
    return std::nullopt;
  }
  const auto brace = run.output.find('{');
  const auto count = brace == std::string::npos
                         ? std::nullopt
                         : json_number_at(std::string_view(run.output).substr(brace), config.command_json_path);
  if (!count) {
    spdlog::warn("gateway {}: busy check {}: no number at {} in its output", gateway.name, config.command.front(),
                 config.command_json_path);
    return std::nullopt;
  }
  return *count > 0;
}

Busy SystemBusyProbe::busy(const GatewayConfig& gateway, const BusyConfig& config) {
  std::vector<std::optional<bool>> answers;
  if (config.max_connections > 0) answers.push_back(connections(gateway, config));
  if (!config.query.empty()) {
    char* escaped = curl_easy_escape(nullptr, config.query.c_str(), static_cast<int>(config.query.size()));
    const std::string url = config.prometheus_url + "/api/v1/query?query=" + (escaped != nullptr ? escaped : "");
    curl_free(escaped);
    std::optional<bool> answer;
    if (const auto body = http_get(url)) {
      if (const auto series = promql_result_count(*body)) answer = *series > 0;
    }
    answers.push_back(answer);
  }
  if (!config.command.empty()) answers.push_back(command(gateway, config));
  if (answers.empty()) return Busy::kNotMeasured;
  if (std::any_of(answers.begin(), answers.end(), [](const auto& a) { return a.value_or(false); })) return Busy::kBusy;
  if (std::any_of(answers.begin(), answers.end(), [](const auto& a) { return !a.has_value(); })) return Busy::kFailed;
  return Busy::kIdle;
}

}  // namespace openclaw::hook
