// libFuzzer target: the config loader and the act policy on any YAML. A bad
// file is an InvalidArgument naming the problem, never an exception or a
// crash.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>

#include "config/config.h"
#include "policy/policy.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string path = "/tmp/spamphibian-fuzz-config-" + std::to_string(getpid()) + ".yaml";
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  spamphibian::Config config;
  const spamphibian::EnvLookup env = [](const std::string& name) -> std::optional<std::string> {
    if (name == "SPAMPHIBIAN_CONFIG") return path;
    return std::nullopt;
  };
  (void)spamphibian::LoadConfig(env, &config);
  spamphibian::policy::Policy policy;
  (void)spamphibian::policy::LoadPolicy(path, &policy);
  return 0;
}
