#include "user_manager_bus.hpp"

#include <fmt/format.h>
#include <systemd/sd-bus.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace openclaw {

void SdBusDeleter::operator()(sd_bus* bus) const { sd_bus_flush_close_unref(bus); }

std::string user_manager_address() {
  const char* runtime_dir = std::getenv("XDG_RUNTIME_DIR");
  if (runtime_dir == nullptr || *runtime_dir == '\0') return {};
  const std::string socket = std::string(runtime_dir) + "/systemd/private";
  if (access(socket.c_str(), F_OK) != 0) return {};
  return "unix:path=" + socket;
}

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
  return out;
}

std::string describe_bus_error(int rc, const char* error_message) {
  if (error_message != nullptr) return error_message;
  return std::strerror(-rc);
}

}  // namespace openclaw
