#include "node_args.hpp"

#include <algorithm>
#include <charconv>

namespace openclaw::exporter {
namespace {

constexpr std::string_view kOptionSeparators = " \t\n\r\f\v";

std::optional<std::uint64_t> parse_mib(std::string_view text) {
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc{} || ptr != end) return std::nullopt;
  // No heap is 2^44 MiB (16 EiB); the limit is multiplied by 2^20 into bytes without overflow.
  if (value >= (std::uint64_t{1} << 44)) return std::nullopt;
  return value;
}

// V8 reads '-' and '_' in a flag's name alike.
std::string normalised_flag_name(std::string_view name) {
  std::string out(name);
  std::replace(out.begin(), out.end(), '_', '-');
  return out;
}

// Applies the heap flags among `options` (Node's own options only) to `limit`, the last one winning.
void apply_heap_flags(const std::vector<std::string_view>& options, std::optional<std::uint64_t>& limit) {
  constexpr std::string_view kFlag = "--max-old-space-size";
  for (std::size_t i = 0; i < options.size(); ++i) {
    const std::string_view option = options[i];
    const auto equals = option.find('=');
    if (normalised_flag_name(option.substr(0, equals)) != kFlag) continue;
    std::string_view value;
    if (equals != std::string_view::npos) {
      value = option.substr(equals + 1);
    } else if (i + 1 < options.size()) {
      value = options[++i];
    }
    // A value V8 would reject leaves the earlier one in force: Node refuses to start on it anyway.
    if (const auto mib = parse_mib(value)) limit = mib;
  }
}

std::string_view basename_of(std::string_view path) {
  const auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// The script a node process runs: its first argument after argv[0] that is not an option.
std::string_view script_of(const std::vector<std::string_view>& argv) {
  for (std::size_t i = 1; i < argv.size(); ++i) {
    if (argv[i] == "--") return i + 1 < argv.size() ? argv[i + 1] : std::string_view{};
    if (!argv[i].starts_with('-')) return argv[i];
  }
  return {};
}

bool has_argument(const std::vector<std::string_view>& argv, std::string_view wanted) {
  return std::find(argv.begin() + 1, argv.end(), wanted) != argv.end();
}

}  // namespace

std::vector<std::string> split_node_options(std::string_view node_options) {
  std::vector<std::string> args;
  std::string current;
  bool in_argument = false;
  bool quoted = false;
  for (std::size_t i = 0; i < node_options.size(); ++i) {
    const char c = node_options[i];
    if (quoted) {
      if (c == '\\' && i + 1 < node_options.size()) {
        current += node_options[++i];
      } else if (c == '"') {
        quoted = false;
      } else {
        current += c;
      }
    } else if (c == '"') {
      quoted = in_argument = true;
    } else if (kOptionSeparators.find(c) != std::string_view::npos) {
      if (in_argument) args.push_back(std::move(current));
      current.clear();
      in_argument = false;
    } else {
      current += c;
      in_argument = true;
    }
  }
  if (in_argument) args.push_back(std::move(current));
  return args;
}

std::optional<std::uint64_t> max_old_space_size_mib(const std::vector<std::string_view>& argv,
                                                    const std::optional<std::string_view>& node_options) {
  std::optional<std::uint64_t> limit;
  if (node_options) {
    const auto owned = split_node_options(*node_options);
    apply_heap_flags(std::vector<std::string_view>(owned.begin(), owned.end()), limit);
  }
  // Node reads NODE_OPTIONS first, then its command line: an option on the command line wins.
  std::vector<std::string_view> options;
  for (std::size_t i = 1; i < argv.size() && argv[i] != "--" && argv[i].starts_with('-'); ++i) {
    options.push_back(argv[i]);
    // The value of "--max-old-space-size N" is an option's value, not the script.
    const auto name = normalised_flag_name(argv[i]);
    if (name == "--max-old-space-size" && i + 1 < argv.size()) options.push_back(argv[++i]);
  }
  apply_heap_flags(options, limit);
  return limit;
}

std::string_view child_kind_name(ChildKind kind) {
  switch (kind) {
    case ChildKind::kSpawnBroker: return "spawn-broker";
    case ChildKind::kServiceChildRelay: return "service-child-relay";
    case ChildKind::kMemorySearch: return "memory-search";
    case ChildKind::kLocalEmbeddings: return "local-embeddings";
    case ChildKind::kCodex: return "codex";
    case ChildKind::kOther: return "other";
  }
  return "other";
}

ChildKind classify_child(const std::vector<std::string_view>& argv) {
  if (argv.empty()) return ChildKind::kOther;
  const std::string_view program = basename_of(argv[0]);
  if (program == "llama-server") return ChildKind::kLocalEmbeddings;
  if (program == "codex" && has_argument(argv, "app-server")) return ChildKind::kCodex;
  const std::string_view script = script_of(argv);
  if (script.ends_with("/dist/process/spawn-broker/worker.js")) return ChildKind::kSpawnBroker;
  if (script.ends_with("/dist/process/supervisor/service-child-relay.js")) return ChildKind::kServiceChildRelay;
  if (script.ends_with("/dist/extensions/memory-core/memory-search-knn.child.js")) return ChildKind::kMemorySearch;
  if (script.ends_with("/@openai/codex/bin/codex.js") && has_argument(argv, "app-server")) return ChildKind::kCodex;
  return ChildKind::kOther;
}

}  // namespace openclaw::exporter
