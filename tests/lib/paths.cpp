#include "paths.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>  // mkdtemp

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <utility>
#include <vector>

namespace openclaw::testing {
namespace {

// The environment wins; the directories this library was configured with are the fallback.
std::string required_env(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') value = fallback;
  if (value == nullptr || *value == '\0') {
    const std::string message = std::string(name) +
                                " is not set: run this test through ctest (tests/CMakeLists.txt sets it via "
                                "OPENCLAW_TEST_ENV), or export it by hand";
    ADD_FAILURE() << message;
    throw std::runtime_error(message);
  }
  return value;
}

}  // namespace

#ifndef OPENCLAW_DEFAULT_SOURCE_DIR
#define OPENCLAW_DEFAULT_SOURCE_DIR nullptr
#endif
#ifndef OPENCLAW_DEFAULT_BINARY_DIR
#define OPENCLAW_DEFAULT_BINARY_DIR nullptr
#endif

std::string source_dir() { return required_env("OPENCLAW_SOURCE_DIR", OPENCLAW_DEFAULT_SOURCE_DIR); }
std::string binary_dir() { return required_env("OPENCLAW_BINARY_DIR", OPENCLAW_DEFAULT_BINARY_DIR); }
std::string fixture_gateway_path() { return binary_dir() + "/tests/fixture_gateway/openclaw-fixture-gateway"; }
std::string with_user_manager_path() { return source_dir() + "/tests/lib/with-user-manager.sh"; }

TempDir::TempDir(std::string prefix) {
  std::string pattern = "/tmp/" + prefix + "XXXXXX";
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (mkdtemp(buffer.data()) == nullptr) {
    throw std::runtime_error("mkdtemp " + pattern + ": " + std::strerror(errno));
  }
  path_ = buffer.data();
}

TempDir::~TempDir() {
  if (path_.empty()) return;
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

TempDir::TempDir(TempDir&& other) noexcept : path_(std::exchange(other.path_, {})) {}

TempDir& TempDir::operator=(TempDir&& other) noexcept {
  if (this != &other) {
    if (!path_.empty()) {
      std::error_code ignored;
      std::filesystem::remove_all(path_, ignored);
    }
    path_ = std::exchange(other.path_, {});
  }
  return *this;
}

std::string TempDir::file(const std::string& name) const { return path_ + "/" + name; }

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

void write_file(const std::string& path, const std::string& contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write " + path);
  out << contents;
  if (!out.flush()) throw std::runtime_error("cannot write " + path);
}

void append_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::app | std::ios::binary);
  out << text;
  if (!out.flush()) throw std::runtime_error("cannot append to " + path);
}

}  // namespace openclaw::testing
