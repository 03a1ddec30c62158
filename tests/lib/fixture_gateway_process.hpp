#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "http_client.hpp"
#include "paths.hpp"
#include "process.hpp"

namespace openclaw::testing {

// The fixture gateway (tests/fixture_gateway) run as a child of the test: port 0 (it reports the port it got
// through its --state-file), output in a log file in its own TempDir. The constructor waits until it listens
// and throws std::runtime_error (with the fixture's log) when it does not within `start_timeout`.
class FixtureGatewayProcess {
 public:
  explicit FixtureGatewayProcess(std::vector<std::string> extra_args = {}, std::vector<std::string> extra_env = {},
                                 std::chrono::milliseconds start_timeout = std::chrono::seconds(10));

  int port() const { return port_; }
  pid_t pid() const { return process_.pid(); }
  std::string url(const std::string& path = "/") const;
  ChildProcess& process() { return process_; }
  std::string log() const { return process_.log(); }
  const std::string& state_file() const { return state_file_; }

  // GET /__fixture/state, parsed (throws std::runtime_error when it does not answer 200 with JSON).
  nlohmann::json state() const;
  // POST /__fixture/NAME with `body`; the parsed answer (throws unless 200).
  nlohmann::json control(const std::string& name, const nlohmann::json& body = nlohmann::json::object()) const;

 private:
  TempDir dir_;
  std::string state_file_;
  ChildProcess process_;
  int port_ = 0;
};

}  // namespace openclaw::testing
