#include "tls_shim.hpp"

#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace openclaw {

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

}  // namespace openclaw
