#include "memory_hog.hpp"

#include <unistd.h>

#include <chrono>
#include <cstring>

namespace openclaw::fixture {
namespace {

constexpr std::size_t kMiB = 1024 * 1024;

std::unique_ptr<unsigned char[]> touched_block(std::size_t bytes) {
  auto block = std::make_unique_for_overwrite<unsigned char[]>(bytes);
  const auto page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  // Non-zero writes on every page: the kernel must back each one with real memory.
  for (std::size_t offset = 0; offset < bytes; offset += page) block[offset] = 0xA5;
  return block;
}

}  // namespace

MemoryHog::MemoryHog(int max_mib) : max_bytes_(static_cast<std::size_t>(max_mib) * kMiB) {}

MemoryHog::~MemoryHog() {
  leak_thread_ = {};  // joins before the blocks go
}

bool MemoryHog::add_mib(int mib) {
  if (mib <= 0) return mib == 0;
  const std::lock_guard lock(mutex_);
  return allocate_bytes(static_cast<std::size_t>(mib) * kMiB);
}

bool MemoryHog::allocate_bytes(std::size_t bytes) {
  if (allocated_bytes_ + bytes > max_bytes_) return false;
  blocks_.push_back(touched_block(bytes));
  allocated_bytes_ += bytes;
  return true;
}

void MemoryHog::set_leak_rate(double mib_per_sec) {
  std::jthread old;
  {
    const std::lock_guard lock(mutex_);
    leak_rate_ = mib_per_sec;
    if (mib_per_sec > 0 && !leak_thread_.joinable()) {
      leak_thread_ = std::jthread([this](std::stop_token stop) { leak_loop(stop); });
    } else if (mib_per_sec <= 0) {
      old = std::move(leak_thread_);  // joined outside the lock
    }
  }
}

double MemoryHog::leak_rate() const {
  const std::lock_guard lock(mutex_);
  return leak_rate_;
}

double MemoryHog::allocated_mib() const {
  const std::lock_guard lock(mutex_);
  return static_cast<double>(allocated_bytes_) / static_cast<double>(kMiB);
}

void MemoryHog::leak_loop(std::stop_token stop) {
  constexpr auto kTick = std::chrono::milliseconds(100);
  double owed_bytes = 0;
  auto next = std::chrono::steady_clock::now();
  while (!stop.stop_requested()) {
    next += kTick;
    std::this_thread::sleep_until(next);
    const std::lock_guard lock(mutex_);
    owed_bytes += leak_rate_ * static_cast<double>(kMiB) * 0.1;
    const auto bytes = static_cast<std::size_t>(owed_bytes);
    if (bytes > 0 && allocate_bytes(bytes)) owed_bytes -= static_cast<double>(bytes);
  }
}

std::vector<std::unique_ptr<unsigned char[]>> allocate_touched(std::size_t mib) {
  std::vector<std::unique_ptr<unsigned char[]>> blocks;
  for (std::size_t i = 0; i < mib; ++i) blocks.push_back(touched_block(kMiB));
  return blocks;
}

}  // namespace openclaw::fixture
