#include "policy/policy.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>

#include "config/config.h"

namespace spamphibian::policy {
namespace {

constexpr const char* kActions[] = {"notify", "quarantine", "delete", "ban_user", "block_user"};
constexpr const char* kItemTypes[] = {"user", "project", "group", "issue", "note", "merge_request", "wiki_page", "snippet"};

template <typename List>
bool Contains(const List& list, const std::string& s) {
  return std::find(std::begin(list), std::end(list), s) != std::end(list);
}

Status Bad(const std::string& key, const std::string& why) {
  return Status::InvalidArgument("SPAMPHIBIAN_CONFIG: policy." + key + ": " + why);
}

Status ReadProbability(const YAML::Node& n, const std::string& key, double* out) {
  try {
    *out = n.as<double>();
  } catch (const YAML::Exception&) {
    return Bad(key, "not a number");
  }
  if (*out < 0 || *out > 1) return Bad(key, "must be between 0 and 1");
  return Status::Ok();
}

Status ReadThresholds(const YAML::Node& n, const std::string& key, Thresholds* out, double* days) {
  if (!n.IsMap()) return Bad(key, "expected a mapping");
  bool spam = false, suspicious = false;
  for (const auto& kv : n) {
    const std::string k = kv.first.as<std::string>();
    Status s;
    if (k == "spam") {
      s = ReadProbability(kv.second, key + ".spam", &out->spam);
      spam = true;
    } else if (k == "suspicious") {
      s = ReadProbability(kv.second, key + ".suspicious", &out->suspicious);
      suspicious = true;
    } else if (k == "days" && days != nullptr) {
      try {
        *days = kv.second.as<double>();
      } catch (const YAML::Exception&) {
        return Bad(key + ".days", "not a number");
      }
      if (*days <= 0) return Bad(key + ".days", "must be above 0");
    } else {
      return Bad(key + "." + k, "unknown key");
    }
    if (!s.ok()) return s;
  }
  if (!spam || !suspicious) return Bad(key, "needs both spam and suspicious");
  if (out->suspicious > out->spam) return Bad(key, "suspicious must not be above spam");
  if (days != nullptr && *days <= 0) return Bad(key + ".days", "required");
  return Status::Ok();
}

Status ReadActions(const YAML::Node& n, const std::string& key, std::vector<std::string>* out) {
  if (!n.IsSequence()) return Bad(key, "expected a list of actions");
  out->clear();
  for (const auto& a : n) {
    const std::string action = a.as<std::string>();
    if (!Contains(kActions, action)) {
      return Bad(key, "unknown action '" + action + "' (notify, quarantine, delete, ban_user, block_user)");
    }
    if (!Contains(*out, action)) out->push_back(action);
  }
  return Status::Ok();
}

Status ReadType(const YAML::Node& n, const std::string& type, TypePolicy* out) {
  if (!n.IsMap()) return Bad(type, "expected a mapping");
  for (const auto& kv : n) {
    const std::string k = kv.first.as<std::string>();
    const std::string key = type + "." + k;
    Status s;
    if (k == "spam") s = ReadActions(kv.second, key, &out->spam);
    else if (k == "suspicious") s = ReadActions(kv.second, key, &out->suspicious);
    else if (k == "thresholds") s = ReadThresholds(kv.second, key, &out->thresholds.emplace(), nullptr);
    else if (k == "young_account") s = ReadThresholds(kv.second, key, &out->young, &out->young_account_days);
    else return Bad(key, "unknown key");
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

Status ReadInline(const YAML::Node& n, std::map<std::string, InlineTypePolicy>* out) {
  if (!n.IsMap()) return Bad("inline", "expected a mapping of item types");
  for (const auto& kv : n) {
    const std::string type = kv.first.as<std::string>();
    const std::string key = "inline." + type;
    if (!Contains(kItemTypes, type) || type == "user") {
      // GitLab never sends a sign-up: users are judged after the fact.
      return Bad(key, "not an item type GitLab checks (project, group, issue, note, merge_request, wiki_page, snippet)");
    }
    if (!kv.second.IsMap()) return Bad(key, "expected {spam: VERDICT, suspicious: VERDICT}");
    InlineTypePolicy& t = (*out)[type];
    for (const auto& v : kv.second) {
      const std::string k = v.first.as<std::string>();
      std::string* field = k == "spam" ? &t.spam : k == "suspicious" ? &t.suspicious : nullptr;
      if (field == nullptr) return Bad(key + "." + k, "unknown key (spam, suspicious)");
      *field = v.second.as<std::string>();
      if (!Contains(kInlineVerdicts, *field)) {
        return Bad(key + "." + k, "'" + *field + "' is not ALLOW, CONDITIONAL_ALLOW, DISALLOW or BLOCK");
      }
    }
  }
  return Status::Ok();
}

Status ParsePolicy(const YAML::Node& node, Policy* out) {
  *out = Policy();
  if (!node || node.IsNull()) return Status::Ok();
  if (!node.IsMap()) return Bad("", "expected a mapping");
  for (const auto& kv : node) {
    const std::string k = kv.first.as<std::string>();
    if (k == "dry_run") {
      try {
        out->dry_run = kv.second.as<bool>();
      } catch (const YAML::Exception&) {
        return Bad(k, "not a boolean (true/false)");
      }
    } else if (k == "max_destructive_actions_per_minute") {
      try {
        out->max_destructive_actions_per_minute = kv.second.as<int>();
      } catch (const YAML::Exception&) {
        return Bad(k, "not an integer");
      }
      if (out->max_destructive_actions_per_minute < 0) return Bad(k, "must not be negative");
    } else if (k == "inline") {
      if (Status s = ReadInline(kv.second, &out->inline_types); !s.ok()) return s;
    } else if (Contains(kItemTypes, k)) {
      if (Status s = ReadType(kv.second, k, &out->types[k]); !s.ok()) return s;
    } else {
      return Bad(k, "unknown key (dry_run, max_destructive_actions_per_minute, inline, or an item type: user, "
                    "project, group, issue, note, merge_request, wiki_page, snippet)");
    }
  }
  return Status::Ok();
}

long long ModificationTime(const std::string& path) {
  std::error_code ec;
  const auto t = std::filesystem::last_write_time(path, ec);
  return ec ? -1 : static_cast<long long>(t.time_since_epoch().count());
}

}  // namespace

bool IsDestructive(const std::string& action) { return action != "notify"; }

std::string Policy::Verdict(const std::string& item_type, const std::string& verdict, std::optional<double> score,
                            std::optional<double> account_age_days, bool words_alone) const {
  const auto it = types.find(item_type);
  const auto capped = [&](const std::string& v) { return words_alone && v == "spam" ? "suspicious" : v; };
  if (it == types.end() || !score || (verdict != "spam" && verdict != "suspicious" && verdict != "ham")) {
    return capped(verdict);
  }
  const TypePolicy& t = it->second;
  const Thresholds* th = t.thresholds ? &*t.thresholds : nullptr;
  if (t.young_account_days > 0 && account_age_days && *account_age_days < t.young_account_days) th = &t.young;
  if (th == nullptr) return capped(verdict);
  return capped(*score >= th->spam ? "spam" : *score >= th->suspicious ? "suspicious" : "ham");
}

bool Policy::JudgesByScore(const std::string& item_type) const {
  const auto it = types.find(item_type);
  return it != types.end() && (it->second.thresholds || it->second.young_account_days > 0);
}

const std::vector<std::string>& Policy::Actions(const std::string& item_type, const std::string& verdict) const {
  static const TypePolicy kDefault;
  static const std::vector<std::string> kNone;
  const auto it = types.find(item_type);
  const TypePolicy& t = it == types.end() ? kDefault : it->second;
  if (verdict == "spam") return t.spam;
  if (verdict == "suspicious") return t.suspicious;
  return kNone;
}

bool Policy::monitor_mode() const {
  for (const auto& [type, t] : types) {
    for (const auto* list : {&t.spam, &t.suspicious}) {
      if (std::any_of(list->begin(), list->end(), IsDestructive)) return false;
    }
  }
  return true;
}

const std::string& Policy::InlineVerdict(const std::string& item_type, const std::string& verdict) const {
  static const std::string kAllow = "ALLOW";
  const auto it = inline_types.find(item_type);
  if (it == inline_types.end()) return kAllow;
  if (verdict == "spam") return it->second.spam;
  if (verdict == "suspicious") return it->second.suspicious;
  return kAllow;
}

bool Policy::inline_monitor_mode() const {
  return std::all_of(inline_types.begin(), inline_types.end(),
                     [](const auto& kv) { return kv.second.spam == "ALLOW" && kv.second.suspicious == "ALLOW"; });
}

Status LoadPolicy(const std::string& path, Policy* out) {
  *out = Policy();
  if (path.empty()) return Status::Ok();
  YAML::Node root;
  if (Status s = ReadConfigFile(path, &root); !s.ok()) return s;
  if (!root.IsMap()) return Status::Ok();
  try {
    return ParsePolicy(root["policy"], out);
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(std::string("SPAMPHIBIAN_CONFIG: policy: ") + e.what());
  }
}

Status PolicyHolder::Load() {
  bool reloaded = false;
  return ReloadIfChanged(true, &reloaded);
}

Status PolicyHolder::ReloadIfChanged(bool force, bool* reloaded) {
  *reloaded = false;
  const long long mtime = path_.empty() ? 0 : ModificationTime(path_);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!force && mtime == mtime_) return Status::Ok();
  }
  auto next = std::make_shared<Policy>();
  Status s = LoadPolicy(path_, next.get());
  std::lock_guard<std::mutex> lock(mu_);
  mtime_ = mtime;  // a bad file is not re-read until it changes again
  if (!s.ok()) return s;
  policy_ = std::move(next);
  *reloaded = true;
  return Status::Ok();
}

std::shared_ptr<const Policy> PolicyHolder::Get() const {
  std::lock_guard<std::mutex> lock(mu_);
  return policy_;
}

}  // namespace spamphibian::policy
