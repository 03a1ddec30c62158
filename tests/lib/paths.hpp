#pragma once

#include <string>

namespace openclaw::testing {

// The source and build trees, from OPENCLAW_SOURCE_DIR / OPENCLAW_BINARY_DIR (set by ctest: use
// openclaw_discover_gtests() from tests/lib/CMakeLists.txt), else the directories this library was configured with.
// When neither exists they record a test failure naming the variable and throw, which ends the test.
std::string source_dir();
std::string binary_dir();
// binary_dir()/tests/fixture_gateway/openclaw-fixture-gateway
std::string fixture_gateway_path();
// source_dir()/tests/lib/with-user-manager.sh
std::string with_user_manager_path();

// A fresh directory /tmp/<prefix>XXXXXX, removed recursively by the destructor. Movable, not copyable.
class TempDir {
 public:
  explicit TempDir(std::string prefix = "openclaw-test-");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  TempDir(TempDir&& other) noexcept;
  TempDir& operator=(TempDir&& other) noexcept;

  const std::string& path() const { return path_; }
  // path() + "/" + name
  std::string file(const std::string& name) const;

 private:
  std::string path_;
};

// Whole-file helpers; they throw std::runtime_error naming the file on failure.
std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& contents);
void append_file(const std::string& path, const std::string& text);

}  // namespace openclaw::testing
