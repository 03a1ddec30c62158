#pragma once

#include <CivetServer.h>

#include <map>
#include <mutex>
#include <set>
#include <string>

#include "config.hpp"

namespace openclaw::exporter {

// GET / : a landing page linking to the metrics, as every Prometheus exporter has. Other paths are 404.
class LandingPageHandler final : public CivetHandler {
 public:
  explicit LandingPageHandler(const ExporterConfig& config);
  bool handleGet(CivetServer* server, mg_connection* conn) override;

 private:
  std::string page_;
};

// HTTP basic auth against the exporter-toolkit's bcrypt hashes. bcrypt is slow on purpose, so a header that has
// already been verified is remembered (by its SHA-256) and not hashed again on every scrape.
class BasicAuthHandler final : public CivetAuthHandler {
 public:
  explicit BasicAuthHandler(std::map<std::string, std::string> users) : users_(std::move(users)) {}
  bool authorize(CivetServer* server, mg_connection* conn) override;
  bool check(std::string_view authorization_header);

 private:
  std::map<std::string, std::string> users_;
  std::mutex mutex_;
  std::set<std::string> verified_;  // SHA-256 digests of accepted Authorization headers
};

}  // namespace openclaw::exporter
