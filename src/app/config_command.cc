#include "app/config_command.h"

#include <algorithm>

#include <iostream>

#include "app/components.h"
#include "config/config.h"
#include "policy/policy.h"
#include "stages/pipeline.h"
#include "trust/trust_policy.h"

namespace spamphibian {

int RunConfigCheck(const std::string& file) {
  constexpr int kConfigError = 2;
  const EnvLookup process = ProcessEnvironment();
  const EnvLookup env = [&](const std::string& name) -> std::optional<std::string> {
    if (name == "SPAMPHIBIAN_CONFIG" && !file.empty()) return file;
    return process(name);
  };
  Config config;
  const auto fail = [](const std::string& message) {
    std::cerr << "spamphibian config check: " << message << "\n";
    return kConfigError;
  };
  if (Status s = LoadConfig(env, &config); !s.ok()) return fail(s.message());
  policy::PolicyHolder policies(config.config_file);
  if (Status s = policies.Load(); !s.ok()) return fail(s.message());
  std::vector<std::string> warnings;
  std::shared_ptr<const TrustPolicy> trust;
  if (Status s = TrustPolicy::Build(config.trust, &trust, &warnings); !s.ok()) return fail(s.message());
  if (Status s = CheckTimeouts(config, /*act_stage=*/true, &warnings); !s.ok()) return fail(s.message());
  const auto p = policies.Get();
  if (!p->monitor_mode() && !p->dry_run && (!config.s3.configured() || config.gitlab_url.empty())) {
    return fail("policy: GitLab-changing actions need S3_ENDPOINT and S3_BUCKET and GITLAB_URL");
  }
  if (config.spamcheck.port != 0 && config.spamcheck.api_key.empty()) {
    warnings.push_back("SPAMCHECK_API_KEY is unset: whoever reaches port " + std::to_string(config.spamcheck.port) +
                       " can ask the inline check (and learn what it would refuse)");
  }
  if (std::any_of(p->inline_types.begin(), p->inline_types.end(),
                  [](const auto& kv) { return kv.second.spam == "BLOCK" || kv.second.suspicious == "BLOCK"; })) {
    warnings.push_back("policy.inline: BLOCK has GitLab ban the author on the model's word alone");
  }
  std::vector<std::string> stages;
  (void)ParseStages("all", &stages);
  nlohmann::json out = DescribeConfig(config, stages);
  out["policy"] = {{"monitor_mode", p->monitor_mode()}, {"dry_run", p->dry_run},
                   {"max_destructive_actions_per_minute", p->max_destructive_actions_per_minute},
                   {"inline_monitor_mode", p->inline_monitor_mode()}};
  for (const auto& [type, t] : p->inline_types) {
    out["policy"]["inline"][type] = {{"spam", t.spam}, {"suspicious", t.suspicious}};
  }
  out["trust"] = {{"domain_patterns", trust->domain_count()}, {"users", trust->user_count()}};
  out["warnings"] = warnings;
  std::cout << out.dump(2) << "\n";
  return 0;
}

}  // namespace spamphibian
