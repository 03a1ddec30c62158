#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "unit_control.hpp"
#include "user_manager_bus.hpp"

struct sd_bus_slot;
struct sd_bus_message;

namespace openclaw::hook {

// UnitControl over sd-bus: one lazily opened connection (the manager's private socket when
// $XDG_RUNTIME_DIR/systemd/private exists, else the user bus), guarded by a mutex so the per-gateway workers can
// share it; a broken connection is dropped and re-opened by the next call. The manager's signals are subscribed
// to only while a job is watched (a subscribed connection nobody reads would fill up).
class SdBusUnitControl final : public UnitControl {
 public:
  explicit SdBusUnitControl(std::string address = {},
                            std::chrono::milliseconds call_timeout = std::chrono::seconds(10));
  ~SdBusUnitControl() override;
  SdBusUnitControl(const SdBusUnitControl&) = delete;
  SdBusUnitControl& operator=(const SdBusUnitControl&) = delete;
  SdBusUnitControl(SdBusUnitControl&&) = delete;
  SdBusUnitControl& operator=(SdBusUnitControl&&) = delete;

  Result<UnitStatus> status(const std::string& unit) override;
  Result<JobHandle> start_restart(const std::string& unit) override;
  Result<std::optional<std::string>> wait_job(const JobHandle& job, std::chrono::milliseconds max_wait) override;
  Status cancel_job(const JobHandle& job) override;
  void forget_job(const JobHandle& job) override;
  Status kill_main(const std::string& unit, int signal) override;

 private:
  struct SlotUnref {
    void operator()(sd_bus_slot* slot) const;
  };
  struct JobRemovedHook;
  void job_removed(sd_bus_message* message);
  Status connect();
  Status watch(bool on);
  Status dispatch_queued();
  void drop_connection();
  void stop_watching(std::uint32_t id);
  Result<UnitStatus> read_status(const std::string& unit);

  std::string address_;
  std::chrono::milliseconds call_timeout_;
  std::mutex mutex_;  // sd_bus connections are not thread-safe
  UserManagerBus bus_;
  std::unique_ptr<sd_bus_slot, SlotUnref> job_removed_slot_;
  bool subscribed_ = false;
  std::set<std::uint32_t> watched_;             // jobs started here whose result nobody has taken yet
  std::map<std::uint32_t, std::string> removed_;  // JobRemoved results of watched jobs
};

}  // namespace openclaw::hook
