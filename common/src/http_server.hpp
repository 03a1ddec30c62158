#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

class CivetServer;
class CivetHandler;
class CivetAuthHandler;
struct mg_connection;

namespace openclaw {

struct HttpServerOptions {
  // "host:port", ":port" (all IPv4 interfaces) or "port". Port 0 picks a free port (see listening_ports()).
  std::string listen_address;
  // Both set: serve HTTPS only. The certificate file may hold a chain; the key file a PEM private key.
  std::string tls_cert_file;
  std::string tls_key_file;
  int num_threads = 8;
  std::chrono::milliseconds request_timeout{10000};
};

// A civetweb server. Throws std::runtime_error naming the address when it cannot listen, and naming the file
// when the TLS certificate or key cannot be loaded.
class HttpServer {
 public:
  explicit HttpServer(const HttpServerOptions& options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  HttpServer(HttpServer&&) = delete;
  HttpServer& operator=(HttpServer&&) = delete;

  // The handler must outlive the server. civetweb matches the longest registered prefix.
  void add_handler(const std::string& uri, CivetHandler& handler);
  // Runs before every handler below `uri`; it answers (e.g. 401) and returns false to refuse the request.
  void add_auth_handler(const std::string& uri, CivetAuthHandler& handler);
  std::vector<int> listening_ports() const;

 private:
  std::unique_ptr<CivetServer> server_;
  std::string wake_host_;  // where the destructor connects to end civetweb's accept poll
};

// ":9789" -> "0.0.0.0:9789"; "9789" -> "0.0.0.0:9789"; "host:port" unchanged. Throws std::invalid_argument.
std::string normalize_listen_address(std::string_view address);
// True when every interface the address names is loopback (127.0.0.0/8, "localhost").
bool is_loopback_listen_address(std::string_view address);

// Writes a complete response with Content-Length and Connection: close semantics left to civetweb.
void send_response(mg_connection* conn, int status, std::string_view content_type, std::string_view body,
                   const std::vector<std::pair<std::string, std::string>>& headers = {});

enum class BodyError { kTooLarge, kReadFailed };
struct BodyResult {
  std::optional<std::string> body;
  BodyError error = BodyError::kReadFailed;
};
// Reads the request body, refusing more than `limit` bytes (checked against Content-Length first, then while
// reading chunked bodies).
BodyResult read_request_body(mg_connection* conn, std::size_t limit);

// The value of a request header, or empty.
std::string_view request_header(mg_connection* conn, const char* name);

}  // namespace openclaw
