#pragma once

#include <CivetServer.h>

namespace openclaw::fixture {

struct Fixture;

// The test's remote control, under /__fixture/ (loopback clients only; JSON in, JSON out). Never delayed or hung.
//   GET  /__fixture/state                           the truth: Fixture::state()
//   GET  /__fixture/preflight                       not a control: the gateway.restart.preflight RPC (preflight.hpp)
//   POST /__fixture/delay       {"ms":N}            delay before answering gateway paths (huge = hang)
//   POST /__fixture/hang        {}                  gateway paths and WebSocket upgrades stop answering ...
//   POST /__fixture/unhang      {}                  ... until this
//   POST /__fixture/ready       {"ready":bool}      readiness override; {"ready":null} goes back to the timer
//   POST /__fixture/event_loop  {"delayP99Ms":X,"utilization":Y,"cpuCoreRatio":Z,"degraded":bool}  (all optional)
//   POST /__fixture/memory      {"add_mib":N}       allocate and touch N MiB in the main process
//   POST /__fixture/leak        {"mib_per_sec":X}   0 stops the leak (what was allocated stays)
//   POST /__fixture/fds         {"add":N}
//   POST /__fixture/threads     {"add":N}
//   POST /__fixture/established {"add_pairs":N}
//   POST /__fixture/close_wait  {"add":N}
//   POST /__fixture/work        {"ms":N,"count":K}  K (default 1) units of active work ending N ms from now; they add
//                                                   to what runs (overlapping work is counted, "active_work" in the
//                                                   state). Refused (500) while draining.
//   POST /__fixture/exit        {"code":N}          answers, then the process exits with N
// Every POST answers 200 with the new state, 400 {"error":...} on a bad body, 404 on an unknown control,
// 403 for a non-loopback client, 500 when the action failed part-way (the state then shows what was done).
class ControlHandler : public CivetHandler {
 public:
  explicit ControlHandler(Fixture& fixture) : fixture_(fixture) {}
  bool handleGet(CivetServer* server, mg_connection* conn) override;
  bool handlePost(CivetServer* server, mg_connection* conn) override;

 private:
  Fixture& fixture_;
};

}  // namespace openclaw::fixture
