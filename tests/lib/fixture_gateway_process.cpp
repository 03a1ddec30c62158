#include "fixture_gateway_process.hpp"

#include <stdexcept>

#include "net.hpp"

namespace openclaw::testing {
namespace {

std::vector<std::string> fixture_argv(const std::string& state_file, std::vector<std::string> extra_args) {
  std::vector<std::string> argv = {fixture_gateway_path(), "--port", "0", "--state-file", state_file};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  return argv;
}

}  // namespace

FixtureGatewayProcess::FixtureGatewayProcess(std::vector<std::string> extra_args, std::vector<std::string> extra_env,
                                             std::chrono::milliseconds start_timeout)
    : dir_("openclaw-fixture-"),
      state_file_(dir_.file("state.json")),
      process_(fixture_argv(state_file_, std::move(extra_args)), std::move(extra_env), dir_.file("fixture.log")) {
  const bool listening = wait_until(
      [&] {
        if (!process_.running()) return true;
        try {
          port_ = nlohmann::json::parse(read_file(state_file_)).at("port").get<int>();
        } catch (const std::exception&) {
          return false;
        }
        return port_ > 0;
      },
      start_timeout, std::chrono::milliseconds(10));
  if (!listening || port_ <= 0) {
    throw std::runtime_error("the fixture gateway did not start; its log:\n" + process_.log());
  }
}

std::string FixtureGatewayProcess::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

nlohmann::json FixtureGatewayProcess::state() const {
  const HttpResponse response = http_get(url("/__fixture/state"));
  if (response.status != 200) {
    throw std::runtime_error("GET /__fixture/state: " + std::to_string(response.status) + " " + response.error);
  }
  return nlohmann::json::parse(response.body);
}

nlohmann::json FixtureGatewayProcess::control(const std::string& name, const nlohmann::json& body) const {
  const HttpResponse response = http_post_json(url("/__fixture/" + name), body.dump());
  if (response.status != 200) {
    throw std::runtime_error("POST /__fixture/" + name + ": " + std::to_string(response.status) + " " + response.body +
                             response.error);
  }
  return nlohmann::json::parse(response.body);
}

}  // namespace openclaw::testing
