#include "control_api.hpp"

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "fixture.hpp"
#include "http_reply.hpp"
#include "http_server.hpp"

namespace openclaw::fixture {
namespace {

constexpr std::string_view kPrefix = "/__fixture/";
constexpr long long kHugeDelayMs = 1LL << 40;  // ~35 years: "hang"

// A missing key reads as `fallback`; a present one must be an integer in [min, max].
long long integer_field(const nlohmann::json& body, const char* key, long long min, long long max,
                        std::optional<long long> fallback = std::nullopt) {
  if (!body.contains(key)) {
    if (fallback) return *fallback;
    throw std::invalid_argument(std::string("missing \"") + key + "\"");
  }
  const auto& value = body.at(key);
  if (!value.is_number()) throw std::invalid_argument(std::string("\"") + key + "\" must be a number");
  const double number = value.get<double>();
  if (number < static_cast<double>(min)) throw std::invalid_argument(std::string("\"") + key + "\" is too small");
  return number > static_cast<double>(max) ? max : static_cast<long long>(number);
}

double number_field(const nlohmann::json& body, const char* key, double fallback) {
  if (!body.contains(key)) return fallback;
  const auto& value = body.at(key);
  if (!value.is_number() || value.get<double>() < 0) {
    throw std::invalid_argument(std::string("\"") + key + "\" must be a number >= 0");
  }
  return value.get<double>();
}

bool is_loopback(const mg_connection* conn) {
  const std::string_view address = mg_get_request_info(conn)->remote_addr;
  return address.starts_with("127.") || address == "::1";
}

// Runs one control; returns "" or the reason it failed part-way.
using Control = std::function<std::string(Fixture&, const nlohmann::json&)>;

const std::map<std::string, Control, std::less<>>& controls() {
  static const std::map<std::string, Control, std::less<>> table = {
      {"delay",
       [](Fixture& f, const nlohmann::json& body) {
         f.behaviour.set_delay(std::chrono::milliseconds(integer_field(body, "ms", 0, kHugeDelayMs)));
         return std::string{};
       }},
      {"hang",
       [](Fixture& f, const nlohmann::json&) {
         f.behaviour.set_hung(true);
         return std::string{};
       }},
      {"unhang",
       [](Fixture& f, const nlohmann::json&) {
         f.behaviour.set_hung(false);
         return std::string{};
       }},
      {"ready",
       [](Fixture& f, const nlohmann::json& body) {
         if (!body.contains("ready")) throw std::invalid_argument("missing \"ready\"");
         const auto& ready = body.at("ready");
         if (!ready.is_null() && !ready.is_boolean()) throw std::invalid_argument("\"ready\" must be a bool or null");
         f.behaviour.set_ready_override(ready.is_null() ? std::nullopt : std::optional<bool>(ready.get<bool>()));
         return std::string{};
       }},
      {"event_loop",
       [](Fixture& f, const nlohmann::json& body) {
         GatewayBehaviour::EventLoop event_loop;
         const auto current = f.behaviour.event_loop_json();
         event_loop.delay_p99_ms = number_field(body, "delayP99Ms", current.at("delayP99Ms").get<double>());
         event_loop.utilization = number_field(body, "utilization", current.at("utilization").get<double>());
         event_loop.cpu_core_ratio = number_field(body, "cpuCoreRatio", current.at("cpuCoreRatio").get<double>());
         if (body.contains("degraded")) {
           if (!body.at("degraded").is_boolean()) throw std::invalid_argument("\"degraded\" must be a bool");
           event_loop.degraded = body.at("degraded").get<bool>();
         }
         f.behaviour.set_event_loop(event_loop);
         return std::string{};
       }},
      {"memory",
       [](Fixture& f, const nlohmann::json& body) {
         const auto mib = static_cast<int>(integer_field(body, "add_mib", 0, 1 << 20));
         return f.memory.add_mib(mib) ? std::string{} : "the allocation cap (--max-alloc-mib) would be passed";
       }},
      {"leak",
       [](Fixture& f, const nlohmann::json& body) {
         if (!body.contains("mib_per_sec")) throw std::invalid_argument("missing \"mib_per_sec\"");
         f.memory.set_leak_rate(number_field(body, "mib_per_sec", 0));
         return std::string{};
       }},
      {"fds",
       [](Fixture& f, const nlohmann::json& body) {
         const auto count = static_cast<int>(integer_field(body, "add", 0, 1000000));
         const int opened = f.fds.add(count);
         return opened == count ? std::string{} : "opened only " + std::to_string(opened) + " fds (fd limit)";
       }},
      {"threads",
       [](Fixture& f, const nlohmann::json& body) {
         const auto count = static_cast<int>(integer_field(body, "add", 0, 10000));
         const int started = f.threads.add(count);
         return started == count ? std::string{} : "started only " + std::to_string(started) + " threads";
       }},
      {"established",
       [](Fixture& f, const nlohmann::json& body) {
         return f.sockets.add_established_pairs(static_cast<int>(integer_field(body, "add_pairs", 0, 100000)));
       }},
      {"close_wait",
       [](Fixture& f, const nlohmann::json& body) {
         return f.sockets.add_close_wait(static_cast<int>(integer_field(body, "add", 0, 100000)));
       }},
      {"work",
       [](Fixture& f, const nlohmann::json& body) {
         const auto ms = integer_field(body, "ms", 1, kHugeDelayMs);
         const auto count = integer_field(body, "count", 1, 1000, 1);
         // Admission is closed during a drain: the real gateway takes no new work then either.
         if (f.behaviour.draining()) return std::string("draining: admission closed, no new work");
         for (long long i = 0; i < count; ++i) f.work.start(std::chrono::milliseconds(ms));
         return std::string{};
       }},
      {"exit",
       [](Fixture& f, const nlohmann::json& body) {
         f.request_exit(static_cast<int>(integer_field(body, "code", 0, 255, 0)));
         return std::string{};
       }},
  };
  return table;
}

std::string error_json(const std::string& message) { return nlohmann::json{{"error", message}}.dump(); }

}  // namespace

bool ControlHandler::handleGet(CivetServer*, mg_connection* conn) {
  const InFlight in_flight(fixture_.http_in_flight);
  if (!is_loopback(conn)) {
    reply_json(conn, 403, error_json("loopback only"));
    return true;
  }
  const std::string_view path = mg_get_request_info(conn)->local_uri;
  if (path.substr(kPrefix.size()) != "state") {
    reply_json(conn, path.size() > kPrefix.size() && controls().contains(path.substr(kPrefix.size())) ? 405 : 404,
               error_json("GET only on /__fixture/state; controls take POST"));
    return true;
  }
  reply_json(conn, 200, fixture_.state(1).dump());
  return true;
}

bool ControlHandler::handlePost(CivetServer*, mg_connection* conn) {
  const InFlight in_flight(fixture_.http_in_flight);
  if (!is_loopback(conn)) {
    reply_json(conn, 403, error_json("loopback only"));
    return true;
  }
  const std::string_view path = mg_get_request_info(conn)->local_uri;
  const auto control = controls().find(path.substr(std::min(path.size(), kPrefix.size())));
  if (control == controls().end()) {
    reply_json(conn, 404, error_json("unknown control " + std::string(path)));
    return true;
  }
  const auto body_text = openclaw::read_request_body(conn, 64 * 1024);
  if (!body_text.body) {
    reply_json(conn, 400, error_json("cannot read the body"));
    return true;
  }
  nlohmann::json body =
      body_text.body->empty() ? nlohmann::json::object() : nlohmann::json::parse(*body_text.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    reply_json(conn, 400, error_json("the body must be a JSON object"));
    return true;
  }
  std::string failure;
  try {
    failure = control->second(fixture_, body);
  } catch (const std::invalid_argument& e) {
    reply_json(conn, 400, error_json(e.what()));
    return true;
  }
  fixture_.write_state_file();
  nlohmann::json answer = fixture_.state(1);
  if (!failure.empty()) answer["error"] = failure;
  reply_json(conn, failure.empty() ? 200 : 500, answer.dump());
  return true;
}

}  // namespace openclaw::fixture
