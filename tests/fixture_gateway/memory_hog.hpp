#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

namespace openclaw::fixture {

// Memory the main process allocates and touches (every page written, so it counts in RSS and the cgroup).
// `leak` runs one extra thread while the rate is above 0; it allocates every 100 ms. All allocation stops at
// `max_mib` (a safety cap, so a forgotten MemoryMax= cannot take the machine down).
class MemoryHog {
 public:
  explicit MemoryHog(int max_mib);
  ~MemoryHog();
  MemoryHog(const MemoryHog&) = delete;
  MemoryHog& operator=(const MemoryHog&) = delete;
  MemoryHog(MemoryHog&&) = delete;
  MemoryHog& operator=(MemoryHog&&) = delete;

  // Allocates `mib` MiB now. False (nothing allocated) when it would pass the cap.
  bool add_mib(int mib);
  void set_leak_rate(double mib_per_sec);
  double leak_rate() const;
  double allocated_mib() const;

 private:
  bool allocate_bytes(std::size_t bytes);
  void leak_loop(std::stop_token stop);

  mutable std::mutex mutex_;
  const std::size_t max_bytes_;
  std::size_t allocated_bytes_ = 0;
  std::vector<std::unique_ptr<unsigned char[]>> blocks_;
  double leak_rate_ = 0;
  std::jthread leak_thread_;
};

// The child worker's body: allocate and touch `mib` MiB, then return (the caller sleeps).
std::vector<std::unique_ptr<unsigned char[]>> allocate_touched(std::size_t mib);

}  // namespace openclaw::fixture
