#include "auth.hpp"

#include "credentials.hpp"
#include "http_request.hpp"
#include "http_response.hpp"

namespace openclaw::hook {

Credentials load_credentials(const AuthConfig& auth) {
  Credentials credentials;
  try {
    if (!auth.bearer_token_file.empty()) credentials.bearer_token = read_secret_file(auth.bearer_token_file);
  } catch (const std::exception& e) {
    throw ConfigError("auth.bearer_token_file", e.what());
  }
  try {
    if (!auth.basic_username.empty()) {
      credentials.basic_username = auth.basic_username;
      credentials.basic_password = read_secret_file(auth.basic_password_file);
    }
  } catch (const std::exception& e) {
    throw ConfigError("auth.basic_auth.password_file", e.what());
  }
  return credentials;
}

bool authorized(const Credentials& credentials, std::string_view authorization) {
  if (!credentials.bearer_token.empty()) {
    if (const auto token = parse_bearer_authorization(authorization)) {
      return constant_time_equals(*token, credentials.bearer_token);
    }
  }
  if (!credentials.basic_username.empty()) {
    if (const auto basic = parse_basic_authorization(authorization)) {
      // Both compared, always: the time taken does not tell which one was wrong.
      const bool user = constant_time_equals(basic->first, credentials.basic_username);
      const bool password = constant_time_equals(basic->second, credentials.basic_password);
      return user && password;
    }
  }
  return false;
}

bool AuthHandler::authorize(CivetServer* /*server*/, mg_connection* conn) {
  if (authorized(credentials_, request_header(conn, "Authorization"))) return true;
  const mg_request_info* info = mg_get_request_info(conn);
  if (on_refused_) on_refused_(info->local_uri != nullptr ? info->local_uri : "");
  const char* challenge = credentials_.bearer_token.empty() ? "Basic realm=\"openclaw-restart-hook\""
                                                            : "Bearer realm=\"openclaw-restart-hook\"";
  send_response(conn, 401, "text/plain; charset=utf-8", "401 unauthorized: missing or wrong credentials\n",
                {{"WWW-Authenticate", challenge}, {"Connection", "close"}});
  return false;
}

}  // namespace openclaw::hook
