#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

// What handlers use with the server: request headers and bodies, responses.
#include "http_request.hpp"
#include "http_response.hpp"

class CivetServer;
class CivetHandler;
class CivetAuthHandler;
struct mg_connection;

namespace openclaw {

struct HttpServerGate;  // the request guard and what sees its refusals (http_server.cpp)

struct HttpServerOptions {
  // "host:port", ":port" (all IPv4 interfaces) or "port". Port 0 picks a free port (see listening_ports()).
  std::string listen_address;
  // Both set: serve HTTPS only. The certificate file may hold a chain; the key file a PEM private key.
  std::string tls_cert_file;
  std::string tls_key_file;
  // Worker threads: each serves one connection at a time, from its first byte (or TLS handshake) to its close. One
  // costs ~12 KiB of RSS idle (its stack) and ~20 KiB more of malloc state once it has served (measured; the stack a
  // request touched is handed back at each connection's close): docs/benchmarks.md, "where the RSS goes".
  int num_threads = 64;
  // How long a client may take to send a request's headers (likewise to finish a TLS handshake, and the longest
  // pause inside a body or while a response is written; an idle keep-alive connection is closed after as long): what
  // one slow connection holds a worker for. Prometheus and Alertmanager send a request in one go. With C connections
  // that trickle their headers, a real request waits about ceil(C / num_threads) * request_timeout for a worker.
  std::chrono::milliseconds request_timeout{2000};
  // Accepted connections waiting for a worker, each an open file descriptor (kept under the usual 1024 soft limit
  // with the threads); the kernel's listen backlog (1024, capped by net.core.somaxconn) holds more.
  int connection_queue = 512;
  // Host names accepted besides the server's own addresses (see RequestGuard), and where they are configured.
  std::vector<std::string> allowed_hosts{};
  std::string allowed_hosts_setting = "the allowed hosts";
  // Sees each request the guard refuses (URI, status) before the handler would have: e.g. to count it.
  std::function<void(std::string_view uri, int status)> on_refused{};
  // Answer 503 "starting" to every request until serve() (the programs: their handlers are added after civetweb
  // starts listening, and a webhook in that gap would get civetweb's 404, which Alertmanager never retries).
  bool hold_until_serve = false;
};

// A civetweb server that answers no CORS preflight and sends no CORS header, and refuses (403, before any
// authentication or handler) cross-site browser requests and a Host that is not its own (RequestGuard). Throws
// std::runtime_error naming the address when it cannot listen, and naming the file when the TLS certificate or key
// cannot be loaded; std::invalid_argument for a malformed allowed host.
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
  // With hold_until_serve, every request gets 503 "starting" until this is called: call it once every handler is
  // added (civetweb listens from the constructor on).
  void serve();

 private:
  std::unique_ptr<HttpServerGate> gate_;  // before server_: the server's callbacks use it until it stops
  std::unique_ptr<CivetServer> server_;
  std::string wake_host_;  // where the destructor connects to end civetweb's accept poll
};

}  // namespace openclaw
