#include "http_server.hpp"

#include <CivetServer.h>
#include <fmt/format.h>
#include <arpa/inet.h>
#include <dlfcn.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace openclaw {
namespace {

// civetweb wants certificate and key in one PEM file; we take them as two files, like the exporter-toolkit and
// Alertmanager do, and join them into a private temporary file that lives only while civetweb loads it.
class CombinedPem {
 public:
  CombinedPem(const std::string& cert_file, const std::string& key_file) {
    std::string pem;
    for (const std::string& file : {cert_file, key_file}) {
      std::ifstream in(file);
      if (!in) throw std::runtime_error(fmt::format("cannot read TLS file {}", file));
      std::ostringstream text;
      text << in.rdbuf();
      pem += text.str();
      if (!pem.ends_with('\n')) pem += '\n';
    }
    std::string path_template = (std::filesystem::temp_directory_path() / "openclaw-tls-XXXXXX").string();
    const int fd = mkstemp(path_template.data());  // mode 0600
    if (fd < 0) throw std::runtime_error("cannot create a temporary file for the TLS key");
    path_ = path_template;
    const bool written = write(fd, pem.data(), pem.size()) == static_cast<ssize_t>(pem.size());
    close(fd);
    if (!written) throw std::runtime_error("cannot write the temporary TLS file");
  }
  ~CombinedPem() { std::filesystem::remove(path_); }
  CombinedPem(const CombinedPem&) = delete;
  CombinedPem& operator=(const CombinedPem&) = delete;
  CombinedPem(CombinedPem&&) = delete;
  CombinedPem& operator=(CombinedPem&&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Loads tls-shim/openssl3_shim.c's library before civetweb asks for "libssl.so" (once per process). Looked for
// next to the executable, in the install prefix and in the build tree; OPENCLAW_TLS_SHIM names it explicitly.
void load_tls_shim() {
  static const std::string error = [] {
    std::vector<std::string> candidates;
    if (const char* explicit_path = std::getenv("OPENCLAW_TLS_SHIM")) candidates.emplace_back(explicit_path);
    std::error_code ec;
    const auto exe_dir = std::filesystem::read_symlink("/proc/self/exe", ec).parent_path();
    if (!ec) {
      candidates.push_back((exe_dir / "libopenclaw-tls-shim.so").string());
      candidates.push_back((exe_dir / "../lib/openclaw/libopenclaw-tls-shim.so").string());
    }
    candidates.emplace_back(OPENCLAW_TLS_SHIM_INSTALL_PATH);
    candidates.emplace_back(OPENCLAW_TLS_SHIM_BUILD_PATH);
    for (const auto& path : candidates) {
      if (access(path.c_str(), R_OK) == 0 && dlopen(path.c_str(), RTLD_NOW | RTLD_GLOBAL) != nullptr) {
        return std::string();
      }
    }
    return std::string("cannot load libopenclaw-tls-shim.so (install it next to the binary or set OPENCLAW_TLS_SHIM)");
  }();
  if (!error.empty()) throw std::runtime_error(error);
}

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

}  // namespace

std::string normalize_listen_address(std::string_view address) {
  std::string_view host;
  std::string_view port = address;
  if (const auto colon = address.rfind(':'); colon != std::string_view::npos) {
    host = address.substr(0, colon);
    port = address.substr(colon + 1);
  }
  int value = -1;
  const auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc{} || ptr != port.data() + port.size() || value < 0 || value > 65535) {
    throw std::invalid_argument(fmt::format("listen address \"{}\": expected host:port with a port 0-65535", address));
  }
  if (host.starts_with('[')) {
    throw std::invalid_argument(fmt::format("listen address \"{}\": IPv6 is not supported by this civetweb build",
                                            address));
  }
  if (host.empty()) host = "0.0.0.0";
  if (host == "localhost") host = "127.0.0.1";
  return fmt::format("{}:{}", host, value);
}

bool is_loopback_listen_address(std::string_view address) {
  // civetweb listens on every entry of a comma list: all of them must be loopback.
  std::size_t start = 0;
  while (start <= address.size()) {
    const std::size_t comma = std::min(address.find(',', start), address.size());
    if (!normalize_listen_address(address.substr(start, comma - start)).starts_with("127.")) return false;
    start = comma + 1;
  }
  return true;
}

HttpServer::HttpServer(const HttpServerOptions& options) {
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
  std::vector<const char*> civet_options = {"listening_ports", ports.c_str(),
                                            "num_threads", threads.c_str(),
                                            "request_timeout_ms", timeout.c_str(),
                                            "enable_keep_alive", "yes",
                                            "decode_url", "yes",
                                            // Headers and body go out in separate writes; without this each
                                            // keep-alive response waits ~40 ms for Nagle + delayed ACK.
                                            "tcp_nodelay", "1"};
  std::unique_ptr<CombinedPem> pem;
  if (tls) {
    load_tls_shim();
    pem = std::make_unique<CombinedPem>(options.tls_cert_file, options.tls_key_file);
    civet_options.insert(civet_options.end(), {"ssl_certificate", pem->path().c_str(), "ssl_protocol_version", "4"});
  }
  civet_options.push_back(nullptr);
  try {
    server_ = std::make_unique<CivetServer>(civet_options.data());
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

void HttpServer::add_auth_handler(const std::string& uri, CivetAuthHandler& handler) {
  server_->addAuthHandler(uri, handler);
}

std::vector<int> HttpServer::listening_ports() const { return server_->getListeningPorts(); }

void send_response(mg_connection* conn, int status, std::string_view content_type, std::string_view body,
                   const std::vector<std::pair<std::string, std::string>>& headers) {
  mg_response_header_start(conn, status);
  mg_response_header_add(conn, "Content-Type", content_type.data(), static_cast<int>(content_type.size()));
  const std::string length = std::to_string(body.size());
  mg_response_header_add(conn, "Content-Length", length.c_str(), -1);
  mg_response_header_add(conn, "Cache-Control", "no-store", -1);
  for (const auto& [name, value] : headers) {
    mg_response_header_add(conn, name.c_str(), value.c_str(), static_cast<int>(value.size()));
  }
  mg_response_header_send(conn);
  if (!body.empty()) mg_write(conn, body.data(), body.size());
}

BodyResult read_request_body(mg_connection* conn, std::size_t limit) {
  const mg_request_info* info = mg_get_request_info(conn);
  if (info->content_length > 0 && static_cast<unsigned long long>(info->content_length) > limit) {
    return {std::nullopt, BodyError::kTooLarge};
  }
  std::string body;
  char buffer[16384];
  for (;;) {
    const int n = mg_read(conn, buffer, sizeof buffer);
    if (n < 0) return {std::nullopt, BodyError::kReadFailed};
    if (n == 0) break;
    if (body.size() + static_cast<std::size_t>(n) > limit) return {std::nullopt, BodyError::kTooLarge};
    body.append(buffer, static_cast<std::size_t>(n));
  }
  return {std::move(body), BodyError::kReadFailed};
}

std::string_view request_header(mg_connection* conn, const char* name) {
  const char* value = mg_get_header(conn, name);
  return value == nullptr ? std::string_view{} : std::string_view{value};
}

}  // namespace openclaw
