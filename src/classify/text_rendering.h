// How an item looks to the model: its text, normalised and tokenised, plus
// signal tokens (sig_*) for what short spam items give away: links and
// their domains, a website with an empty bio, a disposable e-mail domain,
// the account's age, an unconfirmed e-mail, phone numbers, mixed scripts.
//
// One place for this, used by serving and by training, so that the model
// sees at training time exactly what it sees in production.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "gitlab/item.h"

namespace spamphibian::classify {

struct Rendering {
  std::vector<std::string> signals;  // the sig_* tokens that fired
  std::string text;                  // signals and tokens, space-separated: the model's input
};

// `trust_signals` is what the trust stage attached (account_age_days,
// email_confirmed, disposable_email, email_domain); may be empty.
Rendering Render(const gitlab::Item& item, const nlohmann::json& trust_signals);

// Lower-cased word tokens of free text, with URLs, e-mails and phone numbers
// replaced by placeholder tokens and URL domains added as url_domain:/url_tld:.
// Appends to *tokens; returns how many URLs it saw.
int Tokenize(const std::string& text, std::vector<std::string>* tokens, bool* saw_phone);

}  // namespace spamphibian::classify
