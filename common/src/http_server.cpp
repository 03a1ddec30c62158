#include "http_server.hpp"

#include <CivetServer.h>
#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <pthread.h>
#include <spdlog/spdlog.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <stdexcept>
#include <thread>

#include "combined_pem.hpp"
#include "listen_address.hpp"
#include "request_guard.hpp"
#include "tls_shim.hpp"

namespace openclaw {

struct HttpServerGate {
  RequestGuard guard;
  std::function<void(std::string_view, int)> on_refused;
  // civetweb listens from its start, before the program has added its handlers: until serve(), a request gets a 503
  // (Alertmanager retries it) rather than civetweb's 404 for a path with no handler yet (which it would not).
  std::atomic<bool> serving{false};
};

namespace {

// civetweb's accept loop polls its listening socket in 2 s quanta and looks at the stop flag only between them, so
// mg_stop() takes up to 2 s. A connection to that socket ends the poll at once; the loop then sees the flag and stops
// without accepting it.
void connect_and_close(const std::string& host, int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  if (inet_pton(AF_INET, host.c_str(), &address.sin_addr) == 1) {
    (void)connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address);
  }
  close(fd);
}

// civetweb's connection_close: runs on the worker thread when its connection ends, before it waits for the next one.
// Hands back to the kernel the pages of the worker's stack below this frame: serving a request touches ~16 KiB of
// stack beyond what an idle worker needs (civetweb's request path, the scrape's serialisation), which stayed resident
// in every one of the 256 workers once it had served a connection (~4 MiB, measured with bench/soak/soak.sh). The
// next connection faults those few pages in again (microseconds, against a scrape's milliseconds).
void release_unused_stack(const mg_connection* /*conn*/) {
  thread_local const std::uintptr_t stack_low = [] {
    pthread_attr_t attr;
    if (pthread_getattr_np(pthread_self(), &attr) != 0) return std::uintptr_t{0};
    void* low = nullptr;  // the lowest usable address, above the guard page
    std::size_t size = 0;
    const bool ok = pthread_attr_getstack(&attr, &low, &size) == 0;
    pthread_attr_destroy(&attr);
    return ok ? reinterpret_cast<std::uintptr_t>(low) : std::uintptr_t{0};
  }();
  if (stack_low == 0) return;
  static const auto page = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
  // A page of margin below this frame for madvise's own call.
  const std::uintptr_t end = (reinterpret_cast<std::uintptr_t>(__builtin_frame_address(0)) & ~(page - 1)) - page;
  if (end > stack_low) (void)madvise(reinterpret_cast<void*>(stack_low), end - stack_low, MADV_DONTNEED);
}

// civetweb's begin_request: runs once the headers are read, before CORS handling, routing and authentication.
int guard_request(mg_connection* conn) {
  const auto* server = static_cast<const CivetServer*>(mg_get_user_data(mg_get_context(conn)));
  const auto* gate = static_cast<const HttpServerGate*>(server->getUserContext());
  const mg_request_info* info = mg_get_request_info(conn);
  const auto reason = gate->guard.refusal(request_header(conn, "Host"), request_header(conn, "Sec-Fetch-Site"),
                                          info->server_port, info->is_ssl != 0);
  if (!reason && !gate->serving.load()) {
    send_response(conn, 503, "text/plain; charset=utf-8", "starting: try again\n",
                  {{"Connection", "close"}, {"Retry-After", "1"}});
    return 503;
  }
  if (!reason) return 0;
  const std::string_view uri = info->local_uri != nullptr ? info->local_uri : "";
  spdlog::debug("refused {} {} from {}: {}", info->request_method, uri, info->remote_addr, *reason);
  if (gate->on_refused) gate->on_refused(uri, 403);
  send_response(conn, 403, "text/plain; charset=utf-8", *reason, {{"Connection", "close"}});
  return 403;
}

}  // namespace

// The gate is built in place (`new`): it holds an atomic, which cannot be moved.
HttpServer::HttpServer(const HttpServerOptions& options)
    : gate_(new HttpServerGate{
          RequestGuard(options.listen_address, options.allowed_hosts, options.allowed_hosts_setting),
          options.on_refused, !options.hold_until_serve}) {
  const bool tls = !options.tls_cert_file.empty() || !options.tls_key_file.empty();
  if (tls && (options.tls_cert_file.empty() || options.tls_key_file.empty())) {
    throw std::runtime_error("TLS needs both a certificate file and a key file");
  }
  std::string ports = normalize_listen_address(options.listen_address);
  wake_host_ = ports.substr(0, ports.rfind(':'));
  if (wake_host_ == "0.0.0.0") wake_host_ = "127.0.0.1";
  if (tls) ports += "s";
  const std::string threads = std::to_string(options.num_threads);
  const std::string timeout = std::to_string(options.request_timeout.count());
  const std::string queue = std::to_string(options.connection_queue);
  std::vector<const char*> civet_options = {
      "listening_ports", ports.c_str(), "num_threads", threads.c_str(), "request_timeout_ms", timeout.c_str(),
      // An idle keep-alive connection holds a worker as long as a request in progress: no longer than one.
      "keep_alive_timeout_ms", timeout.c_str(), "connection_queue", queue.c_str(), "listen_backlog", "1024",
      "enable_keep_alive", "yes", "decode_url", "yes",
      // Headers and body go out in separate writes; without this each keep-alive response waits ~40 ms for Nagle +
      // delayed ACK.
      "tcp_nodelay", "1",
      // civetweb answers CORS preflights itself and adds Access-Control-Allow-Origin: * by default. Nothing here is
      // meant for a web page on another origin: empty values switch both off.
      "access_control_allow_origin", "", "access_control_allow_methods", "", "access_control_allow_headers", ""};
  std::unique_ptr<CombinedPem> pem;
  if (tls) {
    load_tls_shim();
    pem = std::make_unique<CombinedPem>(options.tls_cert_file, options.tls_key_file);
    civet_options.insert(civet_options.end(), {"ssl_certificate", pem->path().c_str(), "ssl_protocol_version", "4"});
  }
  civet_options.push_back(nullptr);
  CivetCallbacks callbacks;
  callbacks.begin_request = guard_request;
  callbacks.connection_close = release_unused_stack;
  try {
    server_ = std::make_unique<CivetServer>(civet_options.data(), &callbacks, gate_.get());
  } catch (const CivetException& e) {
    const std::string reason = tls ? fmt::format("{} (or the TLS certificate {} / key {} could not be loaded)",
                                                 e.what(), options.tls_cert_file, options.tls_key_file)
                                   : e.what();
    throw std::runtime_error(fmt::format("cannot listen on {}: {}", options.listen_address, reason));
  }
}

HttpServer::~HttpServer() {
  if (!server_) return;
  const std::vector<int> ports = server_->getListeningPorts();
  std::atomic<bool> stopped{false};
  std::thread waker([&] {
    // First give close() time to raise the stop flag: a connection accepted before it is served (and closed).
    for (std::this_thread::sleep_for(std::chrono::milliseconds(10)); !stopped.load();
         std::this_thread::sleep_for(std::chrono::milliseconds(20))) {
      for (const int port : ports) connect_and_close(wake_host_, port);
    }
  });
  server_->close();
  stopped = true;
  waker.join();
}

void HttpServer::add_handler(const std::string& uri, CivetHandler& handler) { server_->addHandler(uri, handler); }
void HttpServer::serve() { gate_->serving.store(true); }

void HttpServer::add_auth_handler(const std::string& uri, CivetAuthHandler& handler) {
  server_->addAuthHandler(uri, handler);
}

std::vector<int> HttpServer::listening_ports() const { return server_->getListeningPorts(); }

}  // namespace openclaw
