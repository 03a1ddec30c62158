#include "config_yaml.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <regex>

#include "config.hpp"
#include "duration.hpp"

namespace openclaw::hook::yaml {
namespace {

std::string scalar(const Node& node, const std::string& key, const char* expected) {
  if (!node.IsScalar()) throw ConfigError(key, fmt::format("expected {}", expected));
  return node.Scalar();
}

// A mapping's key: YAML allows a sequence or a mapping as a key (`? [a]`), which as<std::string>() answered with
// YAML::TypedBadConversion — an exception --check-config did not catch (it aborted; found by fuzz_hook_config).
std::string key_text(const Node& key, const std::string& path) {
  if (!key.IsScalar()) throw ConfigError(path, "expected string keys, got a sequence or mapping as a key");
  return key.Scalar();
}

}  // namespace

std::string join(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }

void expect_keys(const Node& node, const std::string& path, std::initializer_list<const char*> known) {
  if (!node.IsMap()) throw ConfigError(path, "expected a mapping");
  for (const auto& entry : node) {
    const std::string key = key_text(entry.first, path);
    if (std::none_of(known.begin(), known.end(), [&](const char* k) { return key == k; })) {
      std::string expected;
      for (const char* k : known) expected += (expected.empty() ? "" : ", ") + std::string(k);
      throw ConfigError(join(path, key), fmt::format("unknown key (expected one of: {})", expected));
    }
  }
}

std::string string(const Node& parent, const char* key, const std::string& path, const std::string& fallback) {
  const Node node = parent[key];
  if (!node) return fallback;
  return scalar(node, join(path, key), "a string");
}

int integer(const Node& parent, const char* key, const std::string& path, int fallback, int minimum) {
  const Node node = parent[key];
  if (!node) return fallback;
  const std::string text = scalar(node, join(path, key), "an integer");
  int value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || ptr != text.data() + text.size() || value < minimum) {
    throw ConfigError(join(path, key), fmt::format("expected an integer >= {}, got \"{}\"", minimum, text));
  }
  return value;
}

std::chrono::milliseconds duration(const Node& parent, const char* key, const std::string& path,
                                   std::chrono::milliseconds fallback, bool allow_zero) {
  const Node node = parent[key];
  if (!node) return fallback;
  const std::string text = scalar(node, join(path, key), "a duration");
  const auto value = parse_duration(text);
  if (!value || (!allow_zero && value->count() == 0)) {
    throw ConfigError(join(path, key), fmt::format("expected a {}duration like \"90s\", \"15m\" or \"1h\", got \"{}\"",
                                                   allow_zero ? "" : "non-zero ", text));
  }
  return *value;
}

Node mapping(const Node& parent, const char* key, const std::string& path) {
  const Node node = parent[key];
  if (!node.IsMap()) throw ConfigError(join(path, key), "expected a mapping");
  return node;
}

Node sequence(const Node& parent, const char* key, const std::string& path) {
  const Node node = parent[key];
  if (!node || node.IsNull()) return Node(YAML::NodeType::Sequence);
  if (!node.IsSequence()) throw ConfigError(join(path, key), "expected a list");
  return node;
}

std::map<std::string, std::string> string_map(const Node& parent, const char* key, const std::string& path) {
  std::map<std::string, std::string> out;
  const Node node = parent[key];
  if (!node || node.IsNull()) return out;
  if (!node.IsMap()) throw ConfigError(join(path, key), "expected a mapping of label names to values");
  static const std::regex kLabelName("[a-zA-Z_][a-zA-Z0-9_]*");
  for (const auto& entry : node) {
    const std::string name = key_text(entry.first, join(path, key));
    const std::string entry_path = join(join(path, key), name);
    if (!std::regex_match(name, kLabelName)) throw ConfigError(entry_path, "not a valid Prometheus label name");
    out[name] = scalar(entry.second, entry_path, "a string");
  }
  return out;
}

std::vector<std::string> string_list(const Node& parent, const char* key, const std::string& path) {
  std::vector<std::string> out;
  const Node node = sequence(parent, key, path);
  for (std::size_t i = 0; i < node.size(); ++i) {
    out.push_back(scalar(node[i], fmt::format("{}[{}]", join(path, key), i), "a string"));
  }
  return out;
}

}  // namespace openclaw::hook::yaml
