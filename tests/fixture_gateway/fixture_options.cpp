#include "fixture_options.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <functional>
#include <map>
#include <stdexcept>

namespace openclaw::fixture {
namespace {

long long parse_integer(const std::string& what, const std::string& text, long long min, long long max) {
  long long value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || value < min || value > max) {
    throw std::invalid_argument(what + ": expected an integer " + std::to_string(min) + ".." + std::to_string(max) +
                                ", got \"" + text + "\"");
  }
  return value;
}

double parse_number(const std::string& what, const std::string& text) {
  std::size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (text.empty() || used != text.size() || value < 0 || value > 100000) {
    throw std::invalid_argument(what + ": expected a number 0..100000, got \"" + text + "\"");
  }
  return value;
}

bool parse_bool(const std::string& what, const std::string& text) {
  if (text.empty() || text == "1" || text == "true" || text == "yes") return true;
  if (text == "0" || text == "false" || text == "no") return false;
  throw std::invalid_argument(what + ": expected 1/0/true/false, got \"" + text + "\"");
}

std::string env_name(const std::string& flag) {
  std::string name = "OPENCLAW_FIXTURE_";
  for (const char c : flag) name += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name;
}

struct Flag {
  bool takes_value;
  std::function<void(FixtureOptions&, const std::string& what, const std::string& value)> apply;
};

const std::map<std::string, Flag>& flags() {
  using ms = std::chrono::milliseconds;
  static const std::map<std::string, Flag> table = {
      {"port", {true, [](auto& o, auto& w, auto& v) { o.port = static_cast<int>(parse_integer(w, v, 0, 65535)); }}},
      {"ready-after-ms",
       {true, [](auto& o, auto& w, auto& v) { o.ready_after = ms(parse_integer(w, v, 0, 1LL << 40)); }}},
      {"fail-start", {false, [](auto& o, auto& w, auto& v) { o.fail_start = parse_bool(w, v); }}},
      {"fail-start-file", {true, [](auto& o, auto&, auto& v) { o.fail_start_file = v; }}},
      {"leak-mib-per-sec", {true, [](auto& o, auto& w, auto& v) { o.leak_mib_per_sec = parse_number(w, v); }}},
      {"child-rss-mib",
       {true, [](auto& o, auto& w, auto& v) { o.child_rss_mib = static_cast<int>(parse_integer(w, v, 0, 65536)); }}},
      {"extra-fds",
       {true, [](auto& o, auto& w, auto& v) { o.extra_fds = static_cast<int>(parse_integer(w, v, 0, 1000000)); }}},
      {"extra-threads",
       {true, [](auto& o, auto& w, auto& v) { o.extra_threads = static_cast<int>(parse_integer(w, v, 0, 10000)); }}},
      {"established-pairs",
       {true,
        [](auto& o, auto& w, auto& v) { o.established_pairs = static_cast<int>(parse_integer(w, v, 0, 100000)); }}},
      {"close-wait",
       {true, [](auto& o, auto& w, auto& v) { o.close_wait = static_cast<int>(parse_integer(w, v, 0, 100000)); }}},
      {"response-delay-ms",
       {true, [](auto& o, auto& w, auto& v) { o.response_delay = ms(parse_integer(w, v, 0, 1LL << 40)); }}},
      {"state-file", {true, [](auto& o, auto&, auto& v) { o.state_file = v; }}},
      {"max-alloc-mib",
       {true, [](auto& o, auto& w, auto& v) { o.max_alloc_mib = static_cast<int>(parse_integer(w, v, 0, 1 << 20)); }}},
      {"http-threads",
       {true, [](auto& o, auto& w, auto& v) { o.http_threads = static_cast<int>(parse_integer(w, v, 2, 1000)); }}},
      {"restart-gap-ms", {true, [](auto& o, auto& w, auto& v) { o.restart_gap = ms(parse_integer(w, v, 0, 600000)); }}},
      {"active-work-ms",
       {true, [](auto& o, auto& w, auto& v) { o.active_work = ms(parse_integer(w, v, 0, 1LL << 40)); }}},
      {"timeout-stop-sec",
       {true, [](auto& o, auto& w, auto& v) { o.timeout_stop = ms(1000 * parse_integer(w, v, 0, 1LL << 30)); }}},
      {"token", {true, [](auto& o, auto&, auto& v) { o.token = v; }}},
      {"exit-78-file", {true, [](auto& o, auto&, auto& v) { o.exit_78_file = v; }}},
      {"log-dir", {true, [](auto& o, auto&, auto& v) { o.log_dir = v; }}},
  };
  return table;
}

}  // namespace

FixtureOptions parse_options(const std::vector<std::string>& args, const std::vector<std::string>& env) {
  FixtureOptions options;
  std::map<std::string, std::string> environment;
  for (const auto& entry : env) {
    const auto eq = entry.find('=');
    if (eq != std::string::npos) environment[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  if (const auto it = environment.find("OPENCLAW_GATEWAY_PORT"); it != environment.end()) {
    options.port = static_cast<int>(parse_integer("OPENCLAW_GATEWAY_PORT", it->second, 0, 65535));
  }
  if (const auto it = environment.find("OPENCLAW_GATEWAY_TOKEN"); it != environment.end()) options.token = it->second;
  for (const auto& [name, flag] : flags()) {
    const std::string variable = env_name(name);
    if (const auto it = environment.find(variable); it != environment.end()) flag.apply(options, variable, it->second);
  }
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i];
    if (!arg.starts_with("--")) throw std::invalid_argument("unexpected argument \"" + arg + "\"\n" + usage());
    arg = arg.substr(2);
    std::optional<std::string> value;
    if (const auto eq = arg.find('='); eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
    }
    const auto it = flags().find(arg);
    if (it == flags().end()) throw std::invalid_argument("unknown flag --" + arg + "\n" + usage());
    if (it->second.takes_value && !value) {
      if (i + 1 >= args.size()) throw std::invalid_argument("--" + arg + " needs a value");
      value = args[++i];
    }
    it->second.apply(options, "--" + arg, value.value_or(""));
  }
  return options;
}

std::string usage() {
  std::string text = "usage: openclaw-fixture-gateway [flags]; flags (also OPENCLAW_FIXTURE_<NAME>):\n";
  for (const auto& [name, flag] : flags()) text += "  --" + name + (flag.takes_value ? " VALUE\n" : "\n");
  return text;
}

}  // namespace openclaw::fixture
