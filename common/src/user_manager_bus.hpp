#pragma once

// Connecting to a systemd user manager over sd-bus, shared by the exporter (reads unit properties) and the restart
// hook (drives restarts). The private socket ($XDG_RUNTIME_DIR/systemd/private) speaks D-Bus peer-to-peer with the
// manager itself: no bus daemon, no Hello(), and messages carry no sender.
#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>

#include "result.hpp"

struct sd_bus;

namespace openclaw {

// The manager's bus name (the destination of every call; the sender of its signals on a bus).
inline constexpr const char* kSystemdDestination = "org.freedesktop.systemd1";

struct SdBusDeleter {
  void operator()(sd_bus* bus) const;
};
using SdBusPtr = std::unique_ptr<sd_bus, SdBusDeleter>;

struct UserManagerBus {
  SdBusPtr bus;
  bool direct = false;  // the private socket: match signals without a sender
};

// "unix:path=$XDG_RUNTIME_DIR/systemd/private" when that socket exists, else "" (the user bus).
std::string user_manager_address();

// Opens `address` ("" picks user_manager_address(), then the user bus) with `call_timeout` for method calls.
Result<UserManagerBus> open_user_manager_bus(const std::string& address, std::chrono::milliseconds call_timeout);

// The D-Bus error's message (sd_bus_error::message) when the reply was an error, else strerror(-rc).
std::string describe_bus_error(int rc, const char* error_message);

}  // namespace openclaw
