// The daemon config's key table (adapters/config/config_keys.cpp): every
// key documented, nothing documented that is not a key, and every key read
// into its own member (a file that sets each key to a value of its own
// reads back as written).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include <unistd.h>

#include "adapters/config/config_keys.h"

namespace setia::adapters::config {
namespace {

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const std::string kDocs = std::string(SETIA_SOURCE_DIR) + "/docs/configuration.md";

TEST(ConfigKeys, EveryKeyHasARowInTheDocs) {
  std::string docs = read(kDocs);
  ASSERT_FALSE(docs.empty());
  for (const auto& key : config_keys()) {
    EXPECT_NE(docs.find("| `" + std::string(key.path) + "` |"), std::string::npos)
        << key.path << " is not in docs/configuration.md";
  }
}

TEST(ConfigKeys, EveryRowOfTheDocsIsAKey) {
  std::string docs = read(kDocs);
  std::set<std::string> keys;
  for (const auto& key : config_keys()) keys.emplace(key.path);
  std::regex row(R"(\n\| `([a-z0-9_.]+)` \|)");
  int rows = 0;
  for (std::sregex_iterator it(docs.begin(), docs.end(), row), end; it != end; ++it, ++rows) {
    EXPECT_TRUE(keys.contains((*it)[1].str())) << (*it)[1].str() << " is documented but is no key";
  }
  EXPECT_EQ(rows, static_cast<int>(keys.size()));
}

// A value of each key's own, valid, and not its default.
std::map<std::string, std::string> distinct_values() {
  const DaemonConfig defaults;
  const std::map<std::string, std::string> shaped = {{"mqtt.uri", "\"ssl://broker.example:8883\""},
                                                     {"mqtt.topic_prefix", "\"toko/pos\""},
                                                     {"mqtt.shared_group", "\"kasir\""},
                                                     {"database.conninfo", "\"host=db dbname=s\""},
                                                     {"rest.listen", "\"0.0.0.0:9090\""},
                                                     {"rest.ops_listen", "\"127.0.0.1:9091\""},
                                                     {"rest.public_url", "\"https://setia.example\""},
                                                     {"rest.trusted_proxies", "\"10.0.0.5,::1\""},
                                                     {"log.level", "\"debug\""}};
  std::map<std::string, std::string> out;
  int i = 0;
  for (const auto& key : config_keys()) {
    std::string path(key.path), v;
    if (auto s = shaped.find(path); s != shaped.end()) {
      v = s->second;
    } else if (std::holds_alternative<TextField>(key.field)) {
      v = "\"v-" + path + "\"";
    } else if (std::holds_alternative<FlagField>(key.field)) {
      v = value_text(key, defaults) == "true" ? "false" : "true";
    } else {
      long long n = std::min<long long>(key.max, static_cast<long long>(key.min) + 1 + i);
      if (std::to_string(n) == value_text(key, defaults)) n = n > key.min ? n - 1 : n + 1;
      v = std::to_string(n);
    }
    out[path] = v;
    ++i;
  }
  return out;
}

TEST(ConfigKeys, EachKeyIsReadIntoItsOwnMember) {
  auto values = distinct_values();
  // The YAML: one nested mapping per dotted path.
  std::ostringstream yaml;
  std::vector<std::string> open;  // the sections of the previous key
  for (const auto& key : config_keys()) {
    std::vector<std::string> parts;
    std::stringstream ss{std::string(key.path)};
    for (std::string p; std::getline(ss, p, '.');) parts.push_back(p);
    std::size_t common = 0;
    while (common < open.size() && common + 1 < parts.size() && open[common] == parts[common]) ++common;
    for (std::size_t d = common; d + 1 < parts.size(); ++d) yaml << std::string(2 * d, ' ') << parts[d] << ":\n";
    yaml << std::string(2 * (parts.size() - 1), ' ') << parts.back() << ": " << values[std::string(key.path)] << "\n";
    open.assign(parts.begin(), parts.end() - 1);
  }
  auto file = std::filesystem::temp_directory_path() / ("setia-config-keys-" + std::to_string(::getpid()) + ".yaml");
  std::ofstream(file) << yaml.str();
  auto c = load_daemon_config(file.string());
  std::filesystem::remove(file);
  ASSERT_TRUE(c) << c.error()[0].to_string() << "\n" << yaml.str();
  EXPECT_TRUE(c->has_rest);
  EXPECT_TRUE(c->has_fcm);
  for (const auto& key : config_keys()) {
    EXPECT_EQ(value_text(key, *c), values[std::string(key.path)]) << key.path;
  }
}

TEST(ConfigKeys, AnUnknownKeyIsRefusedWithTheKeysOfItsSection) {
  auto file = std::filesystem::temp_directory_path() / ("setia-config-typo-" + std::to_string(::getpid()) + ".yaml");
  std::ofstream(file) << "mqtt:\n  clientid: x\noutbox:\n  workers: 0\n";
  auto c = load_daemon_config(file.string());
  std::filesystem::remove(file);
  ASSERT_FALSE(c);
  ASSERT_EQ(c.error().size(), 2u);
  EXPECT_NE(c.error()[0].to_string().find(":2:3: unknown key 'clientid' in mqtt (expected one of: uri, client_id,"),
            std::string::npos)
      << c.error()[0].to_string();
  EXPECT_NE(c.error()[1].to_string().find("outbox.workers"), std::string::npos) << c.error()[1].to_string();
}

}  // namespace
}  // namespace setia::adapters::config
