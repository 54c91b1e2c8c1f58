#include "classify/domain_words.h"

namespace spamphibian::classify {
namespace {

// Stems, not words: "plumb" finds plumber and plumbing, "pharm" pharmacy and
// pharma. Each must be long or distinctive enough not to hide in ordinary
// names ("bet" would match "alphabet", "law" "lawrence", "spa" "space",
// "stream" "upstream", "hacker" "hackerone"): hence "casino" and "slot" but
// not "bet", "lawyer" and "attorney" but not "law".
constexpr std::string_view kStems[] = {
    // trades and local services
    "plumb", "roofing", "roofer", "hvac", "locksmith", "pestcontrol", "carpet", "movers", "moving", "cleaning", "remodel",
    "landscap", "garagedoor", "towing", "junkremoval", "dental", "dentist", "clinic", "lawyer", "attorney", "injury",
    "divorce", "bailbond", "realestate", "realtor", "mortgage", "insurance", "salon", "wedding", "catering",
    "limo", "carrental", "rental", "repair", "solar", "flooring", "painting", "contractor", "detailing", "restoration",
    "cosmetic", "surgery", "weightloss", "skincare", "chiropract", "physio", "tutor", "visa", "immigration",
    // marketing
    "seo", "backlink", "marketing", "followers", "traffic", "ranking",
    // gambling
    "casino", "slot", "gacor", "togel", "judi", "poker", "betting", "sportsbook", "baccarat", "lottery",
    // money
    "loan", "payday", "credit", "forex", "recovery",
    // pharmacy and health
    "pharm", "pills", "viagra", "cialis", "cbd", "keto",
    // essays
    "essay", "homework", "assignment", "thesis", "dissertation",
    // streaming, cracks, escorts
    "iptv", "movies", "crack", "keygen", "apk", "escort", "dating", "callgirl", "hookup",
};

}  // namespace

std::vector<std::string_view> DomainWords(std::string_view registrable_domain) {
  const std::string_view label = registrable_domain.substr(0, registrable_domain.find('.'));
  std::vector<std::string_view> out;
  for (const std::string_view stem : kStems) {
    if (label.find(stem) != std::string_view::npos) out.push_back(stem);
  }
  return out;
}

}  // namespace spamphibian::classify
