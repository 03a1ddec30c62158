#include "combined_pem.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace openclaw {

CombinedPem::CombinedPem(const std::string& cert_file, const std::string& key_file) {
  std::string pem;
  for (const std::string& file : {cert_file, key_file}) {
    std::ifstream in(file);
    if (!in) throw std::runtime_error(fmt::format("cannot read TLS file {}", file));
    std::ostringstream text;
    text << in.rdbuf();
    pem += text.str();
    if (!pem.ends_with('\n')) pem += '\n';
  }
  std::string path_template = (std::filesystem::temp_directory_path() / "openclaw-tls-XXXXXX").string();
  const int fd = mkstemp(path_template.data());  // mode 0600
  if (fd < 0) throw std::runtime_error("cannot create a temporary file for the TLS key");
  path_ = path_template;
  const bool written = write(fd, pem.data(), pem.size()) == static_cast<ssize_t>(pem.size());
  close(fd);
  if (!written) {
    std::filesystem::remove(path_);
    throw std::runtime_error("cannot write the temporary TLS file");
  }
}

CombinedPem::~CombinedPem() {
  std::error_code ignored;
  std::filesystem::remove(path_, ignored);
}

}  // namespace openclaw
