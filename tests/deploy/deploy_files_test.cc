// The files an admin installs with — Kubernetes manifests, the Helm chart,
// compose.yaml, the Debian package's environment file and unit — held to
// the service: every environment variable they set is one the service
// reads, every config they carry loads, every value a chart template reads
// exists in values.yaml (with upstream's keys), the probes and ports agree,
// and every version is the binary's. (No helm binary here: the templates
// are checked as text, and the chart's one mapping of values into the
// config — global.verifiedDomains/verifiedUsers into trust — is rendered
// here the way configmap.yaml does it.)
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <set>
#include <sstream>

#include "child_process.h"
#include "config/config.h"

namespace spamphibian {
namespace {

const std::string kSource = SPAMPHIBIAN_SOURCE_DIR;

std::string Read(const std::string& relative) {
  std::string text = testing::ReadFile(kSource + "/" + relative);
  EXPECT_FALSE(text.empty()) << relative;
  return text;
}

bool IsSetting(const std::string& env) {
  const auto names = ConfigEnvironmentNames();
  return std::find(names.begin(), names.end(), env) != names.end();
}

// Loads a config file's text as the service would.
Status LoadConfigText(const std::string& yaml) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/config.yaml";
  std::ofstream(path) << yaml;
  Config config;
  return LoadConfig(
      [&](const std::string& name) -> std::optional<std::string> {
        if (name == "SPAMPHIBIAN_CONFIG") return path;
        return std::nullopt;
      },
      &config);
}

std::map<std::string, YAML::Node> KubernetesByKind() {
  std::map<std::string, YAML::Node> by_kind;
  for (const auto& entry : std::filesystem::directory_iterator(kSource + "/deploy/kubernetes")) {
    const YAML::Node doc = YAML::LoadFile(entry.path().string());
    EXPECT_TRUE(doc["kind"]) << entry.path();
    by_kind[doc["kind"].as<std::string>()] = doc;
  }
  return by_kind;
}

TEST(DeployFilesTest, KubernetesManifestsNameRealSettingsAndProbeTheService) {
  auto by_kind = KubernetesByKind();
  for (const char* kind : {"ConfigMap", "Secret", "Deployment", "Service", "PodMonitor", "Kustomization"}) {
    ASSERT_TRUE(by_kind.count(kind)) << kind;
  }
  EXPECT_EQ(by_kind["Kustomization"]["resources"].size(), 5u);

  const YAML::Node pod = by_kind["Deployment"]["spec"]["template"]["spec"];
  const YAML::Node container = pod["containers"][0];
  EXPECT_EQ(container["image"].as<std::string>(), std::string("localhost/spamphibian:") + SPAMPHIBIAN_VERSION);
  EXPECT_EQ(container["livenessProbe"]["httpGet"]["path"].as<std::string>(), "/healthz");
  EXPECT_EQ(container["readinessProbe"]["httpGet"]["path"].as<std::string>(), "/readyz");
  EXPECT_TRUE(pod["securityContext"]["runAsNonRoot"].as<bool>());
  EXPECT_TRUE(container["securityContext"]["readOnlyRootFilesystem"].as<bool>());
  EXPECT_FALSE(container["securityContext"]["allowPrivilegeEscalation"].as<bool>());
  EXPECT_EQ(container["securityContext"]["capabilities"]["drop"][0].as<std::string>(), "ALL");
  EXPECT_TRUE(container["resources"]["limits"]["memory"]);
  for (const auto& env : container["env"]) EXPECT_TRUE(IsSetting(env["name"].as<std::string>())) << env["name"];
  for (const auto& kv : by_kind["Secret"]["stringData"]) EXPECT_TRUE(IsSetting(kv.first.as<std::string>())) << kv.first;
  const Status config = LoadConfigText(by_kind["ConfigMap"]["data"]["config.yaml"].as<std::string>());
  EXPECT_TRUE(config.ok()) << config.message();
  EXPECT_EQ(by_kind["PodMonitor"]["spec"]["podMetricsEndpoints"][0]["path"].as<std::string>(), "/metrics");
}

TEST(DeployFilesTest, TheHelmChartTakesUpstreamsKeysAndReadsOnlyValuesItHas) {
  const YAML::Node values = YAML::LoadFile(kSource + "/deploy/helm/spamphibian/values.yaml");
  const YAML::Node chart = YAML::LoadFile(kSource + "/deploy/helm/spamphibian/Chart.yaml");
  EXPECT_EQ(chart["appVersion"].as<std::string>(), SPAMPHIBIAN_VERSION);
  EXPECT_EQ(values["image"]["tag"].as<std::string>(), SPAMPHIBIAN_VERSION);

  // A dotted path into values.yaml; nullopt when it is not there.
  const auto lookup = [&](const std::string& path) -> std::optional<YAML::Node> {
    YAML::Node node = YAML::Clone(values);
    std::stringstream parts(path);
    for (std::string part; std::getline(parts, part, '.');) {
      if (!node.IsMap() || !node[part]) return std::nullopt;
      node = node[part];
    }
    return node;
  };
  for (const char* upstream : {"global.gitlab.url", "global.gitlab.accessToken", "global.slack.webhookURL",
                               "global.redis.host", "global.redis.port", "global.redis.password",
                               "global.redis.sentinel.enabled", "global.redis.sentinel.hosts",
                               "global.redis.sentinel.masterSet", "global.verifiedDomains", "global.verifiedUsers",
                               "global.metrics.enabled", "global.modelService.url"}) {
    EXPECT_TRUE(lookup(upstream).has_value()) << upstream << " missing from values.yaml";
  }

  const std::regex value_ref(R"(\.Values\.([A-Za-z0-9_.]+))");
  const std::regex env_name(R"(- name: ([A-Z0-9_]+))");
  const std::regex secret_key(R"(^\s+([A-Z0-9_]+): \{\{)");
  int references = 0, envs = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kSource + "/deploy/helm/spamphibian/templates")) {
    std::ifstream in(entry.path());
    for (std::string line; std::getline(in, line);) {
      for (auto it = std::sregex_iterator(line.begin(), line.end(), value_ref); it != std::sregex_iterator(); ++it) {
        ++references;
        EXPECT_TRUE(lookup((*it)[1]).has_value()) << entry.path().filename() << ": .Values." << (*it)[1] << " is not in values.yaml";
      }
      std::smatch m;
      if (std::regex_search(line, m, env_name) || std::regex_search(line, m, secret_key)) {
        ++envs;
        EXPECT_TRUE(IsSetting(m[1])) << entry.path().filename() << ": " << m[1] << " is not a setting";
      }
    }
  }
  EXPECT_GT(references, 20);
  EXPECT_GT(envs, 15);

  // configmap.yaml: trust.domains/users from upstream's keys, merged with
  // `config`; with values holding a domain and a user, the service loads it.
  YAML::Node config = YAML::Clone(values["config"]);
  config["trust"]["domains"].push_back(R"(example\.com$)");
  config["trust"]["users"].push_back("alice@example.com");
  YAML::Emitter out;
  out << config;
  const Status s = LoadConfigText(out.c_str());
  EXPECT_TRUE(s.ok()) << s.message();

  // The chart and the plain manifests probe and expose the same.
  const std::string deployment = Read("deploy/helm/spamphibian/templates/deployment.yaml");
  for (const char* needle : {"path: /healthz", "path: /readyz", "containerPort: 8000", "containerPort: 8001",
                             "readOnlyRootFilesystem: true", "runAsNonRoot: true"}) {
    EXPECT_NE(deployment.find(needle), std::string::npos) << needle;
  }
}

TEST(DeployFilesTest, ComposeThePackageAndTheUnitNameRealSettings) {
  const YAML::Node compose = YAML::LoadFile(kSource + "/compose.yaml");
  const YAML::Node service = compose["services"]["spamphibian"];
  ASSERT_TRUE(service);
  EXPECT_NE(service["image"].as<std::string>().find(std::string("localhost/spamphibian:") + SPAMPHIBIAN_VERSION),
            std::string::npos);
  for (const auto& kv : service["environment"]) EXPECT_TRUE(IsSetting(kv.first.as<std::string>())) << kv.first;
  // Upstream's `docker run` variables.
  for (const char* upstream : {"REDIS_HOST", "GITLAB_URL", "GITLAB_ACCESS_TOKEN", "SLACK_WEBHOOK_URL", "MODEL_URL", "PORT"}) {
    EXPECT_TRUE(service["environment"][upstream]) << upstream;
  }
  EXPECT_TRUE(compose["services"]["redis"]);
  // Redis keeps what it acknowledged: AOF on.
  const auto redis_command = compose["services"]["redis"]["command"].as<std::vector<std::string>>();
  const auto aof = std::find(redis_command.begin(), redis_command.end(), "--appendonly");
  ASSERT_NE(aof, redis_command.end());
  ASSERT_NE(aof + 1, redis_command.end());
  EXPECT_EQ(*(aof + 1), "yes");
  EXPECT_TRUE(compose["services"]["s3"]);
  EXPECT_TRUE(compose["services"]["gitlab-sim"]);

  const std::regex assignment(R"(^#?([A-Z0-9_]+)=)");
  std::istringstream defaults(Read("deploy/debian/spamphibian.default"));
  int names = 0;
  for (std::string line; std::getline(defaults, line);) {
    std::smatch m;
    if (std::regex_search(line, m, assignment)) {
      ++names;
      EXPECT_TRUE(IsSetting(m[1])) << "spamphibian.default: " << m[1];
    }
  }
  EXPECT_GT(names, 10);
  const std::string unit = Read("deploy/debian/spamphibian.service");
  EXPECT_NE(unit.find("Environment=SPAMPHIBIAN_CONFIG=/etc/spamphibian/config.yaml"), std::string::npos);
  EXPECT_NE(unit.find("EnvironmentFile=-/etc/default/spamphibian"), std::string::npos);
}

}  // namespace
}  // namespace spamphibian
