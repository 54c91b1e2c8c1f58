#include "config/config.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "child_process.h"

namespace spamphibian {
namespace {

EnvLookup Env(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST(LoadConfig, DefaultsMatchTheUpstreamProject) {
  Config c;
  ASSERT_TRUE(LoadConfig(Env({}), &c).ok());
  EXPECT_EQ(c.server.port, 8000);
  EXPECT_EQ(c.redis.host, "localhost");
  EXPECT_EQ(c.redis.port, 6379);
  EXPECT_EQ(c.redis.db, 0);
  EXPECT_EQ(c.pipeline.key_prefix, "spamphibian:");
  EXPECT_EQ(c.server.max_body_bytes, 1u << 20);
  EXPECT_EQ(c.server.max_json_depth, 64);
  EXPECT_TRUE(c.webhook_secret.empty());
}

TEST(LoadConfig, ReadsEnvironment) {
  Config c;
  ASSERT_TRUE(LoadConfig(Env({{"PORT", "9000"},
                              {"REDIS_HOST", "redis.internal"},
                              {"REDIS_PORT", "6380"},
                              {"REDIS_DB", "3"},
                              {"REDIS_PASSWORD", "pw"},
                              {"GITLAB_URL", "https://gitlab.example.com/"},
                              {"GITLAB_WEBHOOK_SECRET", "hook-secret"},
                              {"REDIS_KEY_PREFIX", "sp:"},
                              {"LOGLEVEL", "WARNING"}}),
                         &c)
                  .ok());
  EXPECT_EQ(c.server.port, 9000);
  EXPECT_EQ(c.redis.host, "redis.internal");
  EXPECT_EQ(c.redis.port, 6380);
  EXPECT_EQ(c.redis.db, 3);
  EXPECT_EQ(c.redis.password.reveal(), "pw");
  EXPECT_EQ(c.gitlab_url, "https://gitlab.example.com");  // trailing slash dropped
  EXPECT_EQ(c.webhook_secret.reveal(), "hook-secret");
  EXPECT_EQ(c.pipeline.key_prefix, "sp:");
  EXPECT_EQ(c.log_level, "warn");
}

TEST(LoadConfig, GitlabAccessTokenIsAnAliasAndGitlabTokenWins) {
  Config c;
  ASSERT_TRUE(LoadConfig(Env({{"GITLAB_ACCESS_TOKEN", "old"}}), &c).ok());
  EXPECT_EQ(c.gitlab_token.reveal(), "old");
  ASSERT_TRUE(LoadConfig(Env({{"GITLAB_ACCESS_TOKEN", "old"}, {"GITLAB_TOKEN", "new"}}), &c).ok());
  EXPECT_EQ(c.gitlab_token.reveal(), "new");
}

TEST(LoadConfig, BadValuesNameTheVariable) {
  Config c;
  Status s = LoadConfig(Env({{"PORT", "abc"}}), &c);
  ASSERT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("PORT"), std::string::npos);
  s = LoadConfig(Env({{"REDIS_PORT", "70000"}}), &c);
  EXPECT_NE(s.message().find("REDIS_PORT"), std::string::npos);
  s = LoadConfig(Env({{"REDIS_SENTINEL_ENABLED", "maybe"}}), &c);
  EXPECT_NE(s.message().find("REDIS_SENTINEL_ENABLED"), std::string::npos);
  s = LoadConfig(Env({{"LOGLEVEL", "loud"}}), &c);
  EXPECT_NE(s.message().find("LOGLEVEL"), std::string::npos);
}

TEST(LoadConfig, SecretsDoNotAppearInErrors) {
  Config c;
  Status s = LoadConfig(Env({{"REDIS_PASSWORD", "hunter2"}, {"REDIS_DB", "x"}}), &c);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message().find("hunter2"), std::string::npos);
}

TEST(LoadConfig, SentinelHosts) {
  Config c;
  ASSERT_TRUE(LoadConfig(Env({{"REDIS_SENTINEL_ENABLED", "true"},
                              {"REDIS_SENTINEL_HOSTS", "s1:26379, s2:26380"},
                              {"REDIS_MASTER_SET", "prod"}}),
                         &c)
                  .ok());
  ASSERT_EQ(c.redis.sentinel_hosts.size(), 2u);
  EXPECT_EQ(c.redis.sentinel_hosts[1].host, "s2");
  EXPECT_EQ(c.redis.sentinel_hosts[1].port, 26380);
  EXPECT_EQ(c.redis.master_set, "prod");
  Status s = LoadConfig(Env({{"REDIS_SENTINEL_ENABLED", "true"}}), &c);
  EXPECT_NE(s.message().find("REDIS_SENTINEL_HOSTS"), std::string::npos);
  s = LoadConfig(Env({{"REDIS_SENTINEL_HOSTS", "s1"}}), &c);
  EXPECT_NE(s.message().find("REDIS_SENTINEL_HOSTS"), std::string::npos);
  // A Unix socket is a Redis on this host; Sentinel names masters by address.
  ASSERT_TRUE(LoadConfig(Env({{"REDIS_SOCKET", "/run/redis/redis.sock"}}), &c).ok());
  EXPECT_EQ(c.redis.socket, "/run/redis/redis.sock");
  s = LoadConfig(Env({{"REDIS_SOCKET", "/run/redis/redis.sock"}, {"REDIS_SENTINEL_ENABLED", "true"},
                      {"REDIS_SENTINEL_HOSTS", "s1:26379"}}),
                 &c);
  EXPECT_NE(s.message().find("REDIS_SOCKET"), std::string::npos) << s.message();
}

class YamlConfig : public ::testing::Test {
 protected:
  Status Load(const std::string& yaml, std::map<std::string, std::string> env = {}) {
    std::ofstream(path_) << yaml;
    env["SPAMPHIBIAN_CONFIG"] = path_;
    return LoadConfig(Env(env), &config_);
  }
  testing::TempDir dir_;
  std::string path_ = dir_.path() + "/spamphibian.yaml";
  Config config_;
};

TEST_F(YamlConfig, SetsNonSecretSettings) {
  ASSERT_TRUE(Load("server:\n  port: 8100\n  max_body_bytes: 65536\n"
                   "redis:\n  sentinel_hosts: [a:1, b:2]\n  key_prefix: 'x:'\n"
                   "pipeline:\n  max_attempts: 7\n")
                  .ok());
  EXPECT_EQ(config_.server.port, 8100);
  EXPECT_EQ(config_.server.max_body_bytes, 65536u);
  EXPECT_EQ(config_.redis.sentinel_hosts.size(), 2u);
  EXPECT_EQ(config_.pipeline.key_prefix, "x:");
  EXPECT_EQ(config_.pipeline.max_attempts, 7);
}

// One setter per field type, read from the row: units, ranges, choices
// and the rules of text.
TEST_F(YamlConfig, EachRowsUnitRangeAndRuleHold) {
  ASSERT_TRUE(Load("review:\n  retention_days: 2\n  author_action: ban_user\njobs:\n  shadow_hours: 3\n"
                   "admin:\n  url: 'https://spam.example.org/'\n  session_hours: 5\ngitlab:\n  api_rate: 2.5\n"
                   "model:\n  fallback: pending\n")
                  .ok());
  EXPECT_EQ(config_.review.retention, std::chrono::hours(48));
  EXPECT_EQ(config_.review.author_action, "ban_user");
  EXPECT_EQ(config_.jobs.shadow_hours, std::chrono::hours(3));
  EXPECT_EQ(config_.admin.url, "https://spam.example.org") << "no trailing slash";
  EXPECT_EQ(config_.admin.session_lifetime, std::chrono::hours(5));
  EXPECT_DOUBLE_EQ(config_.gitlab.api_rate, 2.5);
  EXPECT_TRUE(config_.classify.hold_when_model_url_down);
  const std::pair<const char*, const char*> bad[] = {
      {"review:\n  author_action: delete_user\n", "review.author_action"},
      {"review:\n  author_action: ''\n", "review.author_action"},
      {"review:\n  retention_days: 0\n", "review.retention_days"},
      {"log:\n  format: xml\n", "log.format"},
      {"gitlab:\n  api_rate: -1\n", "gitlab.api_rate"},
      {"admin:\n  url: ftp://x\n", "admin.url"},
      {"model:\n  fallback: maybe\n", "model.fallback"},
      {"server:\n  trusted_sources: [not-an-ip]\n", "server.trusted_sources"},
      {"classify:\n  spam_threshold: 1.5\n", "classify.spam_threshold"}};
  for (const auto& [yaml, key] : bad) {
    const Status st = Load(yaml);
    EXPECT_TRUE(st.IsInvalidArgument()) << yaml;
    EXPECT_NE(st.message().find(key), std::string::npos) << st.message();
  }
  // Empty means the build's own file; an admin token must not be guessable.
  ASSERT_TRUE(Load("model:\n  eval_data: ''\n").ok());
  EXPECT_EQ(config_.classify.eval_data, ClassifyOptions().eval_data);
  EXPECT_TRUE(Load("", {{"ADMIN_API_TOKEN", "short"}}).IsInvalidArgument());
}

TEST_F(YamlConfig, EnvironmentWinsOverFile) {
  ASSERT_TRUE(Load("server:\n  port: 8100\n", {{"PORT", "8200"}}).ok());
  EXPECT_EQ(config_.server.port, 8200);
}

TEST_F(YamlConfig, UnknownKeyIsNamed) {
  Status s = Load("server:\n  prot: 8100\n");
  ASSERT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("server.prot"), std::string::npos);
  s = Load("sever:\n  port: 1\n");
  EXPECT_NE(s.message().find("sever"), std::string::npos);
}

TEST_F(YamlConfig, AValueOfTheWrongShapeIsNamedNotThrown) {
  for (const char* yaml : {"trust:\n  domains: [{a: b}]\n", "trust:\n  bots: [[x]]\n", "server:\n  port: {a: 1}\n",
                           "{[a]: b}\n", "classify:\n  thresholds: {user: {spam: [1]}}\n", "pipeline: [1, 2]\n"}) {
    Status s;
    EXPECT_NO_THROW(s = Load(yaml)) << yaml;
    EXPECT_TRUE(s.IsInvalidArgument()) << yaml;
  }
  EXPECT_NE(Load("trust:\n  domains: [{a: b}]\n").message().find("trust.domains"), std::string::npos);
}

TEST(CheckTimeouts, AnActionMustEndBeforeItCanBeResumed) {
  Config c;
  std::vector<std::string> warnings;
  EXPECT_TRUE(CheckTimeouts(c, true, &warnings).ok()) << "the defaults hold";
  c.pipeline.claim_idle = std::chrono::milliseconds(15000);
  EXPECT_TRUE(CheckTimeouts(c, true, &warnings).IsInvalidArgument());
  EXPECT_TRUE(CheckTimeouts(c, false, &warnings).ok()) << "no act stage, no act relation";
  c = Config();
  c.gitlab.timeout = std::chrono::milliseconds(25000);
  EXPECT_TRUE(CheckTimeouts(c, true, &warnings).IsInvalidArgument());
}

TEST(CheckTimeouts, SentinelWithoutAReplicaAcknowledgementIsWarnedOf) {
  Config c;
  std::vector<std::string> warnings;
  ASSERT_TRUE(CheckTimeouts(c, true, &warnings).ok());
  EXPECT_TRUE(warnings.empty()) << "a lone Redis waits for no replica";
  EXPECT_EQ(c.redis.RequiredReplicaAcks(), 0);
  c.redis.sentinel_enabled = true;
  EXPECT_EQ(c.redis.RequiredReplicaAcks(), 1) << "Sentinel: one replica by default";
  ASSERT_TRUE(CheckTimeouts(c, true, &warnings).ok());
  EXPECT_TRUE(warnings.empty());
  c.redis.min_replicas_ack = 0;
  ASSERT_TRUE(CheckTimeouts(c, true, &warnings).ok());
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("redis.min_replicas_ack is 0 with Sentinel"), std::string::npos) << warnings[0];
}

TEST_F(YamlConfig, SecretsAreNotAcceptedFromTheFile) {
  Status s = Load("redis:\n  password: pw\n");
  EXPECT_NE(s.message().find("redis.password"), std::string::npos);
}

TEST_F(YamlConfig, BadValueIsNamed) {
  Status s = Load("server:\n  port: eighty\n");
  EXPECT_NE(s.message().find("server.port"), std::string::npos);
}

TEST_F(YamlConfig, UnreadableOrInvalidFile) {
  Config c;
  Status s = LoadConfig(Env({{"SPAMPHIBIAN_CONFIG", dir_.path() + "/missing.yaml"}}), &c);
  EXPECT_NE(s.message().find("SPAMPHIBIAN_CONFIG"), std::string::npos);
  s = Load("server: [unclosed\n");
  EXPECT_NE(s.message().find("not valid YAML"), std::string::npos);
}

// The config file the package installs (/etc/spamphibian/config.yaml) shows
// every key at its default, commented out: uncommented, it must load and
// change nothing, and no key may be missing from it.
TEST(ShippedConfigFile, EveryKeyIsThereAtItsDefault) {
  std::ifstream in(std::string(SPAMPHIBIAN_SOURCE_DIR) + "/deploy/config.yaml");
  ASSERT_TRUE(in);
  const std::regex commented_key(R"(^(\s*)# ([a-z_0-9]+:.*)$)");
  std::string uncommented;
  std::set<std::string> keys;
  std::string section;
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (std::regex_match(line, m, commented_key)) line = m[1].str() + m[2].str();
    if (!line.empty() && line[0] != ' ' && line[0] != '#') section = line.substr(0, line.find(':'));
    const std::size_t colon = line.find(':');
    if (line.rfind("  ", 0) == 0 && line[2] != ' ' && line[2] != '#' && colon != std::string::npos) {
      keys.insert(section + "." + line.substr(2, colon - 2));
    } else if (section == "policy") {
      keys.insert("policy");
    }
    uncommented += line + "\n";
  }
  for (const std::string& key : ConfigFileKeys()) EXPECT_TRUE(keys.count(key)) << key << " is not in deploy/config.yaml";
  for (const std::string& key : keys) {
    if (key.rfind("policy.", 0) == 0) continue;  // the policy's own keys (policy/policy.cc)
    const auto all = ConfigFileKeys();
    EXPECT_NE(std::find(all.begin(), all.end(), key), all.end()) << key << " is not a setting";
  }

  testing::TempDir dir;
  const std::string path = dir.path() + "/uncommented.yaml";
  std::ofstream(path) << uncommented;
  Config with_file;
  Config without;
  const Status s = LoadConfig(Env({{"SPAMPHIBIAN_CONFIG", path}}), &with_file);
  ASSERT_TRUE(s.ok()) << s.message();
  ASSERT_TRUE(LoadConfig(Env({}), &without).ok());
  with_file.config_file.clear();
  EXPECT_TRUE(with_file == without) << "a value in deploy/config.yaml is not the default";
  // And as shipped (all commented out) it loads too.
  Config as_shipped;
  EXPECT_TRUE(LoadConfig(Env({{"SPAMPHIBIAN_CONFIG", std::string(SPAMPHIBIAN_SOURCE_DIR) + "/deploy/config.yaml"}}),
                         &as_shipped).ok());
}

// The README's table of settings is the operator's reference: every
// setting is in it, under its environment variable and YAML key, and a
// default written as code is the default the service has.
TEST(ReadmeSettingsTable, ListsEverySettingWithItsDefault) {
  std::ifstream in(std::string(SPAMPHIBIAN_SOURCE_DIR) + "/README.md");
  ASSERT_TRUE(in);
  std::vector<std::string> rows;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("| ", 0) == 0 && std::count(line.begin(), line.end(), '|') >= 5) rows.push_back(line);
  }
  // The cells of a row: | env | yaml | default | what |.
  const auto cells = [](const std::string& row) {
    std::vector<std::string> out;
    std::size_t at = 1;
    for (int i = 0; i < 3; ++i) {
      const std::size_t bar = row.find(" |", at);
      std::string cell = row.substr(at, bar - at);
      cell.erase(0, cell.find_first_not_of(' '));
      out.push_back(cell);
      at = bar + 2;
    }
    return out;
  };
  int checked_defaults = 0;
  for (const SettingRow& setting : ConfigSettings()) {
    const std::string key = "`" + (setting.yaml.empty() ? setting.env : setting.yaml) + "`";
    const std::string* found = nullptr;
    for (const auto& row : rows) {
      const auto c = cells(row);
      if ((setting.yaml.empty() ? c[0] : c[1]).find(key) != std::string::npos) found = &row;
    }
    ASSERT_NE(found, nullptr) << key << " is not in the README's table of settings";
    const auto c = cells(*found);
    if (!setting.env.empty()) {
      EXPECT_NE(c[0].find("`" + setting.env + "`"), std::string::npos) << *found;
    }
    if (c[2].rfind("`", 0) == 0) {
      EXPECT_EQ(c[2].substr(1, c[2].find('`', 1) - 1), setting.default_text) << *found;
      ++checked_defaults;
    }
  }
  EXPECT_GT(checked_defaults, 60) << "most defaults are written as code";
}

}  // namespace
}  // namespace spamphibian
