#pragma once

// Typed reads of YAML nodes that throw ConfigError naming the dotted key and what was expected.
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <initializer_list>
#include <map>
#include <string>
#include <vector>

namespace openclaw::hook::yaml {

using Node = YAML::Node;

std::string join(const std::string& path, const std::string& key);
// Rejects keys outside `known`, naming the unknown key and the expected ones (like KnownFields(true)).
void expect_keys(const Node& node, const std::string& path, std::initializer_list<const char*> known);
std::string string(const Node& parent, const char* key, const std::string& path, const std::string& fallback);
int integer(const Node& parent, const char* key, const std::string& path, int fallback, int minimum);
// `allow_zero`: "0s" is accepted (e.g. no cooldown).
std::chrono::milliseconds duration(const Node& parent, const char* key, const std::string& path,
                                   std::chrono::milliseconds fallback, bool allow_zero);
Node mapping(const Node& parent, const char* key, const std::string& path);
// An absent key is an empty sequence.
Node sequence(const Node& parent, const char* key, const std::string& path);
std::map<std::string, std::string> string_map(const Node& parent, const char* key, const std::string& path);
std::vector<std::string> string_list(const Node& parent, const char* key, const std::string& path);

}  // namespace openclaw::hook::yaml
