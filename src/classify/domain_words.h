// The words a link's domain is made of, as far as they say "business".
//
// SEO spam links to domains named after what they sell and where
// (hartmanplumbingdenver.com, cheap-essay-writers.net, slot88gacor.vip). The
// words model sees such a domain as one token it has never met; a reader sees
// "plumbing". DomainWords() names the commercial words inside a registrable
// domain's first label, from a fixed list of stems (trades, local services,
// gambling, loans, pharmacy, essays, SEO, streaming, cracks, escorts, crypto
// recovery ...), so that the model can learn from "plumbing" in one domain
// what it meets in another. The list is deliberately about what is sold, not
// about the shape of spam domains (hub, pro, best), which the generator of
// our training data would otherwise teach.
//
// A pure function over a static table; thread-safe.
#pragma once

#include <string_view>
#include <vector>

namespace spamphibian::classify {

// The commercial stems found in the first label of `registrable_domain`
// (lower-case ASCII expected; anything else finds nothing), each once, in
// the table's order. "hartmanplumbingdenver.com" → {"plumb"}.
std::vector<std::string_view> DomainWords(std::string_view registrable_domain);

}  // namespace spamphibian::classify
