#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <array>
#include <cctype>

#include "curl_request.hpp"
#include "probe.hpp"

namespace openclaw::exporter {
namespace {

std::string base64(const unsigned char* data, std::size_t size) {
  std::string out(4 * ((size + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string new_websocket_key() {
  std::array<unsigned char, 16> nonce{};
  RAND_bytes(nonce.data(), static_cast<int>(nonce.size()));
  return base64(nonce.data(), nonce.size());
}

// libcurl 7.88 in Debian has no WebSocket support: it hands us the 101 and would then wait for a body that never
// ends. So we watch the header lines, and at the blank line that ends a 101 response we stop the transfer.
struct HandshakeState {
  long status = 0;
  std::string accept;
  bool complete = false;
};

std::string_view trim_header(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())) != 0) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())) != 0) text.remove_suffix(1);
  return text;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* state = static_cast<HandshakeState*>(user);
  const std::size_t n = size * count;
  const std::string_view line(data, n);
  if (line.starts_with("HTTP/")) {
    // A status line; the code is the second token.
    const std::size_t space = line.find(' ');
    if (space != std::string_view::npos && line.size() >= space + 4) {
      state->status = std::stol(std::string(line.substr(space + 1, 3)));
    }
    return n;
  }
  const std::string_view trimmed = trim_header(line);
  if (trimmed.empty()) {
    if (state->status == 101) {
      state->complete = true;
      return 0;  // abort: the handshake is all we wanted
    }
    return n;
  }
  const std::size_t colon = trimmed.find(':');
  if (colon != std::string_view::npos) {
    std::string name(trimmed.substr(0, colon));
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (name == "sec-websocket-accept") state->accept = std::string(trim_header(trimmed.substr(colon + 1)));
  }
  return n;
}

std::size_t discard(char* /*data*/, std::size_t size, std::size_t count, void* /*user*/) { return size * count; }

}  // namespace

std::string websocket_accept_for(std::string_view key) {
  std::string input(key);
  input += "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  std::array<unsigned char, SHA_DIGEST_LENGTH> digest{};
  SHA1(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest.data());
  return base64(digest.data(), digest.size());
}

ProbeResult probe_websocket(const std::string& url, std::chrono::milliseconds timeout) {
  ProbeResult result;
  CurlHandle handle = make_probe_handle(url, timeout);
  if (!handle) {
    result.error = "curl_easy_init failed";
    result.completed_at = std::chrono::system_clock::now();
    return result;
  }
  const std::string key = new_websocket_key();
  CurlList headers;
  for (const std::string& header :
       {std::string("Connection: Upgrade"), std::string("Upgrade: websocket"), std::string("Sec-WebSocket-Version: 13"),
        "Sec-WebSocket-Key: " + key}) {
    headers.reset(curl_slist_append(headers.release(), header.c_str()));
  }
  HandshakeState state;
  curl_easy_setopt(handle.get(), CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(handle.get(), CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(handle.get(), CURLOPT_HEADERDATA, &state);
  curl_easy_setopt(handle.get(), CURLOPT_WRITEFUNCTION, discard);

  const auto started = std::chrono::steady_clock::now();
  const CURLcode code = curl_easy_perform(handle.get());
  result.completed_at = std::chrono::system_clock::now();
  result.http_status = state.status;
  if (code == CURLE_OPERATION_TIMEDOUT) {
    result.duration_seconds = std::chrono::duration<double>(timeout).count();
    result.error = "timeout";
    return result;
  }
  // Our abort ends the transfer before curl records a total time; measure it ourselves.
  result.duration_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (!state.complete) {
    result.error = code == CURLE_OK ? "status " + std::to_string(state.status) : curl_easy_strerror(code);
    return result;
  }
  if (state.accept != websocket_accept_for(key)) {
    result.error = "wrong Sec-WebSocket-Accept";
    return result;
  }
  result.success = true;
  return result;
}

}  // namespace openclaw::exporter
