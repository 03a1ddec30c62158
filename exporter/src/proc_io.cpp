#include "proc_io.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <string_view>

namespace openclaw::exporter {

void DirCloser::operator()(DIR* dir) const noexcept { ::closedir(dir); }

std::string pid_dir(const std::string& proc_root, int pid) { return proc_root + "/" + std::to_string(pid); }

std::string errno_text(int error) {
  const char* name = ::strerrorname_np(error);
  const char* description = ::strerrordesc_np(error);
  if (name == nullptr || description == nullptr) return "errno " + std::to_string(error);
  return std::string(name) + " (" + description + ")";
}

FileText read_file(const std::string& path) {
  FileText result;
  const UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    result.error = errno;
    return result;
  }
  constexpr std::size_t kChunk = 4096;
  std::size_t used = 0;
  for (;;) {
    result.text.resize(used + kChunk);
    const ssize_t got = ::read(fd.get(), result.text.data() + used, kChunk);
    if (got < 0) {
      if (errno == EINTR) continue;
      result.error = errno;
      result.text.clear();
      return result;
    }
    if (got == 0) break;
    used += static_cast<std::size_t>(got);
  }
  result.text.resize(used);
  return result;
}

NumericEntries list_numeric_entries(const std::string& path) {
  NumericEntries result;
  const UniqueDir dir(::opendir(path.c_str()));
  if (!dir) {
    result.error = errno;
    return result;
  }
  for (;;) {
    errno = 0;
    const dirent* entry = ::readdir(dir.get());
    if (entry == nullptr) {
      result.error = errno;  // 0 at the end of the directory
      break;
    }
    const std::string_view name(entry->d_name);
    int number = 0;
    const auto [ptr, ec] = std::from_chars(name.data(), name.data() + name.size(), number);
    if (ec == std::errc{} && ptr == name.data() + name.size() && number >= 0) result.numbers.push_back(number);
  }
  if (result.error != 0) result.numbers.clear();
  return result;
}

}  // namespace openclaw::exporter
