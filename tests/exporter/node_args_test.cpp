#include "node_args.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace openclaw::exporter {
namespace {


TEST(MaxOldSpaceSize, FromArgvBeforeTheScript) {
  EXPECT_EQ(max_old_space_size_mib({"/usr/bin/node", "--max-old-space-size=2048", "/opt/openclaw/openclaw.mjs",
                                    "gateway", "--port", "18789"},
                                   std::nullopt),
            2048U);
  EXPECT_EQ(max_old_space_size_mib({"node", "--max_old_space_size=300", "x.js"}, std::nullopt), 300U);
  EXPECT_EQ(max_old_space_size_mib({"node", "--max-old_space-size=301", "x.js"}, std::nullopt), 301U);
  // The value as the next argument.
  EXPECT_EQ(max_old_space_size_mib({"node", "--max-old-space-size", "512", "x.js"}, std::nullopt), 512U);
  // The last one wins, as in V8.
  EXPECT_EQ(max_old_space_size_mib({"node", "--max-old-space-size=100", "--max-old-space-size=200", "x.js"},
                                   std::nullopt),
            200U);
}

TEST(MaxOldSpaceSize, ArgumentsOfTheScriptAreNotNodes) {
  EXPECT_EQ(max_old_space_size_mib({"node", "x.js", "--max-old-space-size=100"}, std::nullopt), std::nullopt);
  EXPECT_EQ(max_old_space_size_mib({"node", "--", "x.js", "--max-old-space-size=100"}, std::nullopt), std::nullopt);
  // A separate value is not taken for the script.
  EXPECT_EQ(max_old_space_size_mib({"node", "--max-old-space-size", "64", "--no-warnings", "x.js"}, std::nullopt),
            64U);
}

TEST(MaxOldSpaceSize, OtherFlagsAreNotIt) {
  EXPECT_EQ(max_old_space_size_mib({"node", "--max-old-space-size-percentage=50", "x.js"}, std::nullopt),
            std::nullopt);
  EXPECT_EQ(max_old_space_size_mib({"node", "--max-heap-size=100", "--max-semi-space-size=4", "x.js"}, std::nullopt),
            std::nullopt);
  EXPECT_EQ(max_old_space_size_mib({"node", "--max-old-space-size=lots", "x.js"}, std::nullopt), std::nullopt);
  EXPECT_EQ(max_old_space_size_mib({"node", "--max-old-space-size=-1", "x.js"}, std::nullopt), std::nullopt);
  EXPECT_EQ(max_old_space_size_mib({"openclaw-gateway"}, std::nullopt), std::nullopt);
  EXPECT_EQ(max_old_space_size_mib({}, std::nullopt), std::nullopt);
}

TEST(MaxOldSpaceSize, FromNodeOptionsAndTheCommandLineWins) {
  EXPECT_EQ(max_old_space_size_mib({"openclaw-gateway"}, "--max-old-space-size=4096"), 4096U);
  EXPECT_EQ(max_old_space_size_mib({"node", "x.js"}, "  --require \"/a b/c.js\"   --max_old_space_size=700 "), 700U);
  // openclaw's unit sets NODE_OPTIONS= (empty).
  EXPECT_EQ(max_old_space_size_mib({"node", "x.js"}, ""), std::nullopt);
  // Node applies NODE_OPTIONS first, then its command line.
  EXPECT_EQ(max_old_space_size_mib({"node", "--max-old-space-size=900", "x.js"}, "--max-old-space-size=100"), 900U);
  EXPECT_EQ(max_old_space_size_mib({"node", "--inspect", "x.js"}, "--max-old-space-size=100"), 100U);
}

TEST(SplitNodeOptions, QuotesAndEscapes) {
  EXPECT_EQ(split_node_options(R"(  -r "a b.js"  --title="x \"y\"" --inspect )"),
            (std::vector<std::string>{"-r", "a b.js", "--title=x \"y\"", "--inspect"}));
  EXPECT_EQ(split_node_options(""), std::vector<std::string>{});
  EXPECT_EQ(split_node_options(R"("")"), std::vector<std::string>{""});
}

// argv as openclaw 2026.9.6 starts its children (the first two seen on the real gateway, paths of its package for
// the others: dist/process/supervisor/, dist/extensions/memory-core/, @openai/codex/bin/codex.js).
TEST(ClassifyChild, OpenclawChildrenByArgv) {
  const std::string_view node = "/work/.oc-cache/node/bin/node";
  const std::string_view dist = "/work/.oc-cache/oc/node_modules/openclaw/dist";
  const std::string broker = std::string(dist) + "/process/spawn-broker/worker.js";
  const std::string relay = std::string(dist) + "/process/supervisor/service-child-relay.js";
  const std::string knn = std::string(dist) + "/extensions/memory-core/memory-search-knn.child.js";
  const std::string sqlite = std::string(dist) + "/infra/sqlite-readonly-location.worker.js";
  const std::string codex = "/home/u/.openclaw/tools/node_modules/@openai/codex/bin/codex.js";
  EXPECT_EQ(classify_child({node, broker}), ChildKind::kSpawnBroker);
  EXPECT_EQ(classify_child({node, "--no-warnings", relay, "--service", "x"}), ChildKind::kServiceChildRelay);
  EXPECT_EQ(classify_child({node, knn}), ChildKind::kMemorySearch);
  EXPECT_EQ(classify_child({"/home/u/.openclaw/llama/llama-server", "-m", "/m/e5.gguf", "--embeddings", "--port",
                            "43121"}),
            ChildKind::kLocalEmbeddings);
  EXPECT_EQ(classify_child({node, codex, "app-server", "--listen", "stdio://"}), ChildKind::kCodex);
  EXPECT_EQ(classify_child({"/home/u/.openclaw/tools/node_modules/@openai/codex/vendor/x86_64-unknown-linux-musl/"
                            "codex/codex",
                            "app-server", "--listen", "stdio://"}),
            ChildKind::kCodex);
  EXPECT_EQ(classify_child({node, sqlite, "--openclaw-sqlite-readonly-child", "session"}), ChildKind::kOther);
}

TEST(ClassifyChild, LookalikesAreOther) {
  const std::string broker = "/opt/openclaw/dist/process/spawn-broker/worker.js";
  // A command that merely names the file (the spawn broker runs such commands for the gateway).
  EXPECT_EQ(classify_child({"/usr/bin/grep", "-r", "x", broker}), ChildKind::kOther);
  EXPECT_EQ(classify_child({"/usr/bin/node", "/tmp/x.js", broker}), ChildKind::kOther);
  EXPECT_EQ(classify_child({"node", "/opt/openclaw/dist/process/spawn-broker/worker.js.bak"}), ChildKind::kOther);
  // codex without app-server is a one-off CLI call, not the managed app server.
  EXPECT_EQ(classify_child({"node", "/x/@openai/codex/bin/codex.js", "exec", "ls"}), ChildKind::kOther);
  EXPECT_EQ(classify_child({"llama-server-helper"}), ChildKind::kOther);
  EXPECT_EQ(classify_child({}), ChildKind::kOther);
}

TEST(ClassifyChild, EveryKindHasItsLabel) {
  std::vector<std::string_view> names;
  for (const ChildKind kind : kAllChildKinds) names.push_back(child_kind_name(kind));
  EXPECT_EQ(names, (std::vector<std::string_view>{"spawn-broker", "service-child-relay", "memory-search",
                                                  "local-embeddings", "codex", "other"}));
}

}  // namespace
}  // namespace openclaw::exporter
