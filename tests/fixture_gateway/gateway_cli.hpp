#pragma once

#include <string>
#include <vector>

namespace openclaw::fixture {

// `openclaw-fixture-gateway gateway call METHOD [--json] [--port N] [--token T] [--timeout MS]`: the client side of
// the real `openclaw gateway call gateway.restart.preflight --json`, so a test can point the restart hook's busy
// command at the fixture with the same argv shape and environment as on a real host.
//   port:  --port, else $OPENCLAW_GATEWAY_PORT, else 18789;  token: --token, else $OPENCLAW_GATEWAY_TOKEN
//   METHOD gateway.restart.preflight only; asks GET http://127.0.0.1:PORT/__fixture/preflight (preflight.hpp)
// Exit status and output, as the real CLI:
//   0  the answer's JSON on stdout (pretty-printed; with or without --json)
//   1  no token: {"ok":false,"error":{"type":"gateway_credentials_required",…}} on stderr (nothing is sent)
//   1  during a drain: "gateway rejected websocket upgrade (HTTP 503): Gateway websocket admission closed" on stderr
//   1  a wrong token (401), no answer within --timeout (default 10000 ms), connection refused, unknown METHOD: a
//      one-line reason on stderr
//   2  a malformed command line
// `args` are the words after "gateway".
int gateway_cli_main(const std::vector<std::string>& args);

}  // namespace openclaw::fixture
