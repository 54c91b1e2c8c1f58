#include "trust/trust_policy.h"
#include "base/data_files.h"
#include "text/ascii.h"

#include <nlohmann/json.hpp>
#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <fstream>

namespace spamphibian {
namespace {


// Upstream's list files: a YAML mapping with one key holding a list.
Status ReadList(const std::string& path, const char* key, const char* what, std::vector<std::string>* out) {
  if (path.empty()) return Status::Ok();
  try {
    YAML::Node root = YAML::LoadFile(path);
    if (!root.IsMap() || !root[key]) return Status::InvalidArgument(std::string(what) + " '" + path + "': no '" + key + ":' list");
    if (root[key].IsNull()) return Status::Ok();
    if (!root[key].IsSequence()) return Status::InvalidArgument(std::string(what) + " '" + path + "': '" + key + ":' is not a list");
    for (const auto& item : root[key]) out->push_back(item.as<std::string>());
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(std::string(what) + " '" + path + "': " + e.what());
  }
  return Status::Ok();
}

}  // namespace

bool IsInternalBot(std::string_view user_type) {
  // GitLab's own service users (app/models/concerns/has_user_type.rb),
  // which only GitLab itself creates. Not project_bot, service_account or
  // placeholder: those any maintainer or group owner can make.
  static constexpr std::string_view kInternal[] = {
      "alert_bot",      "support_bot",   "visual_review_bot", "ghost",         "migration_bot",
      "security_bot",   "automation_bot", "admin_bot",        "suggested_reviewers_bot",
      "security_policy_bot", "llm_bot",  "duo_code_review_bot", "import_user",
  };
  for (std::string_view t : kInternal) {
    if (user_type == t) return true;
  }
  return false;
}

std::string DefaultDisposableDomainsFile() {
  return DataFile("disposable-email-domains.json", SPAMPHIBIAN_DISPOSABLE_DOMAINS);
}

Status TrustPolicy::Build(const TrustOptions& options, std::shared_ptr<const TrustPolicy>* out,
                          std::vector<std::string>* warnings) {
  auto policy = std::make_shared<TrustPolicy>();
  std::vector<std::string> patterns = options.domains;
  std::vector<std::string> users = options.users;
  Status s = ReadList(options.domains_file, "domains", "TRUSTED_DOMAINS_FILE", &patterns);
  if (s.ok()) s = ReadList(options.users_file, "users", "VERIFIED_USERS_FILE", &users);
  if (!s.ok()) return s;

  RE2::Options re_options;
  re_options.set_case_sensitive(false);
  re_options.set_log_errors(false);
  for (const std::string& pattern : patterns) {
    auto re = std::make_unique<re2::RE2>(pattern, re_options);
    if (!re->ok()) return Status::InvalidArgument("trusted domain pattern '" + pattern + "': " + re->error());
    if (pattern.find('$') == std::string::npos) {
      warnings->push_back("trusted domain pattern '" + pattern +
                          "' has no '$' anchor: it also matches longer domains such as 'x" + pattern +
                          ".evil.example'; end it with '$'");
    }
    policy->domains_.push_back(std::move(re));
  }
  for (const std::string& user : users) policy->users_.insert(text::AsciiLower(user));
  for (const std::string& bot : options.bots) policy->bots_.insert(text::AsciiLower(bot));

  const std::string disposable =
      options.disposable_domains_file.empty() ? DefaultDisposableDomainsFile() : options.disposable_domains_file;
  std::ifstream in(disposable);
  const nlohmann::json list = nlohmann::json::parse(in, nullptr, false);
  if (!in || !list.is_array()) {
    warnings->push_back("disposable e-mail domains list '" + disposable +
                        "' could not be read: the disposable-domain signal is off");
  } else {
    policy->disposable_.reserve(list.size());
    for (const auto& d : list) {
      if (d.is_string()) policy->disposable_.insert(text::AsciiLower(d.get<std::string>()));
    }
  }
  *out = std::move(policy);
  return Status::Ok();
}

std::string TrustPolicy::TrustReason(const gitlab::Author& author,
                                     const std::function<bool(const std::string&)>& in_verified_set) const {
  if (author.is_admin) return "author is an admin";
  if (IsInternalBot(author.user_type)) return "author is GitLab's internal bot '" + author.user_type + "'";
  if (author.bot && bots_.count(text::AsciiLower(author.username)) > 0) return "author is a bot listed in trust.bots";
  // E-mail rules only for a confirmed address: anyone can sign up as
  // anything@trusted.edu without owning the mailbox.
  if (author.confirmed_at.empty()) return "";
  const std::string email = text::AsciiLower(author.email);
  const std::string domain = gitlab::EmailDomain(email);
  if (domain.empty() || email == "[redacted]") return "";
  for (const auto& re : domains_) {
    if (re2::RE2::PartialMatch(domain, *re)) return "e-mail domain '" + domain + "' matches trusted pattern '" + re->pattern() + "'";
  }
  if (users_.count(email) > 0) return "e-mail is in the verified users list";
  if (in_verified_set && in_verified_set(email)) return "e-mail is in the verified users set (verified users job)";
  return "";
}

std::string TrustPolicyHolder::Fingerprint() const {
  std::string fp;
  for (const std::string& path : {options_.domains_file, options_.users_file}) {
    struct stat st;
    if (!path.empty() && stat(path.c_str(), &st) == 0) {
      fp += std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec) + ":" +
            std::to_string(st.st_size) + ";";
    } else {
      fp += "-;";
    }
  }
  return fp;
}

Status TrustPolicyHolder::Load(std::vector<std::string>* warnings) {
  bool reloaded = false;
  return ReloadIfChanged(true, &reloaded, warnings);
}

Status TrustPolicyHolder::ReloadIfChanged(bool force, bool* reloaded, std::vector<std::string>* warnings) {
  *reloaded = false;
  const std::string fp = Fingerprint();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!force && fp == fingerprint_) return Status::Ok();
  }
  std::shared_ptr<const TrustPolicy> policy;
  Status s = TrustPolicy::Build(options_, &policy, warnings);
  std::lock_guard<std::mutex> lock(mu_);
  fingerprint_ = fp;  // a broken file is reported once, not every poll
  if (!s.ok()) return s;
  policy_ = std::move(policy);
  *reloaded = true;
  return Status::Ok();
}

std::shared_ptr<const TrustPolicy> TrustPolicyHolder::Get() const {
  std::lock_guard<std::mutex> lock(mu_);
  return policy_;
}

}  // namespace spamphibian
