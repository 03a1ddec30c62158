#pragma once

#include <string>

#include "result.hpp"
#include "unique_fd.hpp"

namespace openclaw::hook {

// Replaces `path` with `contents` so that a crash at any moment leaves either the old or the new file:
// write a temporary file beside it, fsync it, rename it over `path`, fsync the directory.
Status write_file_atomically(const std::string& path, const std::string& contents);

// Creates the directory (and parents) with mode 0700 when missing.
Status ensure_directory(const std::string& path);

}  // namespace openclaw::hook
