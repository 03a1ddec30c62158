#pragma once

#include <string>

namespace openclaw {

// civetweb wants certificate and key in one PEM file; we take them as two files, like the exporter-toolkit and
// Alertmanager do, and join them into a private temporary file (mode 0600) that lives as long as this object: only
// while civetweb loads it. Throws std::runtime_error naming a file that cannot be read.
class CombinedPem {
 public:
  CombinedPem(const std::string& cert_file, const std::string& key_file);
  ~CombinedPem();
  CombinedPem(const CombinedPem&) = delete;
  CombinedPem& operator=(const CombinedPem&) = delete;
  CombinedPem(CombinedPem&&) = delete;
  CombinedPem& operator=(CombinedPem&&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace openclaw
