#pragma once

#include <CivetServer.h>

#include <functional>
#include <string>
#include <string_view>

#include "config.hpp"

namespace openclaw::hook {

// The secrets, read once at start-up from the files the configuration names.
struct Credentials {
  std::string bearer_token;
  std::string basic_username;
  std::string basic_password;
  bool enabled() const { return !bearer_token.empty() || !basic_username.empty(); }
};

// Throws ConfigError naming the key whose file cannot be read.
Credentials load_credentials(const AuthConfig& auth);

// True when an Authorization header value carries a configured credential, exactly as Alertmanager's
// http_config sends it ("Bearer <token>" or "Basic base64(user:password)"). Constant-time comparisons.
bool authorized(const Credentials& credentials, std::string_view authorization);

// Refuses requests without valid credentials with 401 (and WWW-Authenticate), before the handler reads a
// byte of the body. `on_refused` sees the request URI (the hook counts refused webhooks).
class AuthHandler final : public CivetAuthHandler {
 public:
  AuthHandler(Credentials credentials, std::function<void(std::string_view uri)> on_refused)
      : credentials_(std::move(credentials)), on_refused_(std::move(on_refused)) {}
  bool authorize(CivetServer* server, mg_connection* conn) override;

 private:
  Credentials credentials_;
  std::function<void(std::string_view)> on_refused_;
};

}  // namespace openclaw::hook
