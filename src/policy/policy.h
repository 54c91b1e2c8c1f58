// Policy: what the act stage does with a `spam` or `suspicious` decision,
// per item type, read from the `policy:` section of SPAMPHIBIAN_CONFIG:
//
//   policy:
//     dry_run: false                          # default true: log the exact API call, take none
//     max_destructive_actions_per_minute: 30  # across all processes
//     user:
//       spam: [notify, quarantine]
//       suspicious: [notify]
//       thresholds: {spam: 0.9, suspicious: 0.6}          # optional: verdict from the score
//       young_account: {days: 1, spam: 0.6, suspicious: 0.4}  # optional: stricter when younger
//     snippet:
//       spam: [notify, delete]
//
// Actions: notify, quarantine (reversible: block the user, make a project,
// group or snippet private, make an issue confidential; nothing for a note,
// merge request or wiki page), delete (the item; a user with hard_delete
// off), ban_user, block_user (the item's author).
//
// No policy section, or a type not named: monitor mode, [notify] for spam
// and suspicious, no change in GitLab.
//
// The inline check (inline_check/: GitLab asks before it saves) answers
// with one of GitLab's verdicts per item type and verdict:
//
//   policy:
//     inline:
//       issue: {spam: DISALLOW, suspicious: CONDITIONAL_ALLOW}
//       note: {spam: DISALLOW}
//
// ALLOW lets it be saved; CONDITIONAL_ALLOW asks for a CAPTCHA where
// GitLab has one (issues, snippets), else refuses like DISALLOW; DISALLOW
// refuses the save; BLOCK refuses it and has GitLab ban the author, so it
// is never a default. A type or verdict not named: ALLOW (monitor mode:
// scored, recorded, nothing refused).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"

namespace spamphibian::policy {

// The actions that change GitLab (everything but notify).
bool IsDestructive(const std::string& action);

struct Thresholds {
  double spam = 0;
  double suspicious = 0;
};

struct TypePolicy {
  std::vector<std::string> spam{"notify"};
  std::vector<std::string> suspicious{"notify"};
  std::optional<Thresholds> thresholds;  // recompute the verdict from the score
  double young_account_days = 0;         // 0: no special rule
  Thresholds young;                      // thresholds for accounts younger than that
};

// GitLab's answers to its spam check, most permissive first.
inline constexpr const char* kInlineVerdicts[] = {"ALLOW", "CONDITIONAL_ALLOW", "DISALLOW", "BLOCK"};

struct InlineTypePolicy {
  std::string spam = "ALLOW";
  std::string suspicious = "ALLOW";
};

struct Policy {
  bool dry_run = true;
  int max_destructive_actions_per_minute = 30;
  std::map<std::string, TypePolicy> types;  // item type -> policy

  // The verdict the policy acts on: the decision's, unless the type has its
  // own thresholds, or stricter ones for a young account (age known, below
  // young_account_days). `words_alone` (the decision says nothing but its
  // words spoke against the item, classify/verdict.h) keeps it at most
  // suspicious whatever the thresholds.
  std::string Verdict(const std::string& item_type, const std::string& verdict, std::optional<double> score,
                      std::optional<double> account_age_days, bool words_alone = false) const;
  // The ordered actions for that verdict ([] for ham and the rest).
  const std::vector<std::string>& Actions(const std::string& item_type, const std::string& verdict) const;
  // Whether Verdict() may give another verdict than the decision's for this
  // type (its own thresholds, or a young account's); else it only keeps
  // words alone at most suspicious, and a ham decision stays ham.
  bool JudgesByScore(const std::string& item_type) const;
  // True when no action of any type changes GitLab.
  bool monitor_mode() const;

  std::map<std::string, InlineTypePolicy> inline_types;  // item type -> the inline check's answers
  // The inline check's answer for a verdict ("ALLOW" for ham and anything
  // not named).
  const std::string& InlineVerdict(const std::string& item_type, const std::string& verdict) const;
  // True when the inline check refuses nothing.
  bool inline_monitor_mode() const;
};

// Parses the `policy:` section of the YAML file at `path` ("" or no section:
// the default monitor-mode policy). InvalidArgument names the bad key.
Status LoadPolicy(const std::string& path, Policy* out);

// The policy in force, reloaded from the file on demand (SIGHUP, change);
// a bad file keeps the old policy. Thread-safe.
class PolicyHolder {
 public:
  explicit PolicyHolder(std::string path) : path_(std::move(path)) {}
  Status Load();
  Status ReloadIfChanged(bool force, bool* reloaded);
  std::shared_ptr<const Policy> Get() const;

 private:
  const std::string path_;
  mutable std::mutex mu_;
  std::shared_ptr<const Policy> policy_ = std::make_shared<Policy>();
  long long mtime_ = -1;
};

}  // namespace spamphibian::policy
