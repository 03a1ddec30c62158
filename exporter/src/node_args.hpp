#pragma once

// What a process's arguments say about it, for the memory source: the V8 heap flag a Node process was started with,
// and which of openclaw's child processes it is. Pure functions on argument lists, no I/O.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace openclaw::exporter {

// NODE_OPTIONS split into arguments as Node does: on whitespace, with double quotes grouping and a backslash
// escaping the next character inside them.
std::vector<std::string> split_node_options(std::string_view node_options);

// The value of V8's --max-old-space-size (also spelled --max_old_space_size; "=N" or "N" as the next argument) in
// MiB, as Node would apply it: from NODE_OPTIONS first, then from the options in `argv` before the script (argv[0]
// is the executable; scanning stops at the first argument that is not an option, or at "--"), the last one
// winning, as in Node. Arguments after the script are the script's, not Node's. nullopt when neither sets it: V8
// then picks a default from the machine's memory, which this does not guess. --max-old-space-size-percentage and
// --max-heap-size are other flags and are not read.
std::optional<std::uint64_t> max_old_space_size_mib(const std::vector<std::string_view>& argv,
                                                    const std::optional<std::string_view>& node_options);

// The child processes openclaw 2026.9.6 starts, by argv.
enum class ChildKind {
  kSpawnBroker,         // node …/dist/process/spawn-broker/worker.js
  kServiceChildRelay,   // node …/dist/process/supervisor/service-child-relay.js
  kMemorySearch,        // node …/dist/extensions/memory-core/memory-search-knn.child.js
  kLocalEmbeddings,     // a managed llama-server
  kCodex,               // node …/@openai/codex/bin/codex.js app-server (or its native `codex app-server`)
  kOther,               // anything else (the SQLite read-only worker, commands the gateway runs, …)
};
inline constexpr std::array<ChildKind, 6> kAllChildKinds = {ChildKind::kSpawnBroker,    ChildKind::kServiceChildRelay,
                                                            ChildKind::kMemorySearch,   ChildKind::kLocalEmbeddings,
                                                            ChildKind::kCodex,          ChildKind::kOther};
// The `kind` label: spawn-broker, service-child-relay, memory-search, local-embeddings, codex, other.
std::string_view child_kind_name(ChildKind kind);
// Classifies a process by its own argv (empty: other).
ChildKind classify_child(const std::vector<std::string_view>& argv);

}  // namespace openclaw::exporter
