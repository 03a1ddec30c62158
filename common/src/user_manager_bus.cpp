#include "user_manager_bus.hpp"

#include <fmt/format.h>
#include <systemd/sd-bus.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace openclaw {

// Closed without a flush: every message we send is a synchronous call (answered, so written), leaving nothing to
// flush, and sd_bus_flush() first waits for the connection to be up, for sd-bus's 90 s authentication timeout
// when the peer is hung.
void SdBusDeleter::operator()(sd_bus* bus) const { sd_bus_close_unref(bus); }

std::string user_manager_address() {
  const char* runtime_dir = std::getenv("XDG_RUNTIME_DIR");
  if (runtime_dir == nullptr || *runtime_dir == '\0') return {};
  const std::string socket = std::string(runtime_dir) + "/systemd/private";
  if (access(socket.c_str(), F_OK) != 0) return {};
  return "unix:path=" + socket;
}

namespace {

// sd_bus_start() only begins the connection; the first call then waits for the authentication handshake with
// sd-bus's own 90 s auth timeout, not the method call timeout. A manager that accepts and never answers (stopped,
// hung, a stale socket something else listens on) would hold every caller that long: wait here, bounded.
Status wait_until_ready(sd_bus* bus, const std::string& address, std::chrono::milliseconds timeout) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    int rc = sd_bus_is_ready(bus);
    if (rc > 0) return Ok{};
    if (rc == 0) rc = sd_bus_process(bus, nullptr);
    if (rc < 0) return Status::failure(fmt::format("cannot connect to {}: {}", address, std::strerror(-rc)));
    if (rc > 0) continue;  // made progress: look again before waiting
    const auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      return Status::failure(fmt::format("cannot connect to {}: no answer within {} ms (the manager is hung or "
                                         "stopped)", address, timeout.count()));
    }
    rc = sd_bus_wait(bus, static_cast<std::uint64_t>(left.count()));
    if (rc < 0) return Status::failure(fmt::format("cannot connect to {}: {}", address, std::strerror(-rc)));
  }
}

}  // namespace

Result<UserManagerBus> open_user_manager_bus(const std::string& wanted, std::chrono::milliseconds call_timeout) {
  sd_bus* raw = nullptr;
  UserManagerBus out;
  // The private socket is re-detected at every connect: the manager may have started after us.
  const std::string address = wanted.empty() ? user_manager_address() : wanted;
  if (address.empty()) {
    const int rc = sd_bus_open_user(&raw);
    if (rc < 0) return Result<UserManagerBus>::failure(fmt::format("cannot open the user bus: {}", std::strerror(-rc)));
    out.bus.reset(raw);
  } else {
    int rc = sd_bus_new(&raw);
    if (rc < 0) return Result<UserManagerBus>::failure(fmt::format("sd_bus_new: {}", std::strerror(-rc)));
    out.bus.reset(raw);
    rc = sd_bus_set_address(raw, address.c_str());
    if (rc >= 0) rc = sd_bus_start(raw);
    if (rc < 0) {
      return Result<UserManagerBus>::failure(fmt::format("cannot connect to {}: {}", address, std::strerror(-rc)));
    }
    out.direct = true;
  }
  sd_bus_set_method_call_timeout(out.bus.get(), static_cast<std::uint64_t>(call_timeout.count()) * 1000U);
  if (auto ready = wait_until_ready(out.bus.get(), address.empty() ? "the user bus" : address, call_timeout); !ready) {
    return Result<UserManagerBus>::failure(ready.error());
  }
  return out;
}

std::string describe_bus_error(int rc, const char* error_message) {
  if (error_message != nullptr) return error_message;
  return std::strerror(-rc);
}

}  // namespace openclaw
