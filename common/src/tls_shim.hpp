#pragma once

namespace openclaw {

// Loads tls-shim/openssl3_shim.c's library before civetweb asks for "libssl.so" (once per process; later calls
// repeat the first answer). Looked for, in order: $OPENCLAW_TLS_SHIM, next to the executable, in
// <executable>/../lib/openclaw, in the install prefix, in the build tree. Throws std::runtime_error when none loads.
void load_tls_shim();

}  // namespace openclaw
