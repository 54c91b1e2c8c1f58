// Percent-encoding (RFC 3986) of a URL path segment or query value: every
// byte but the unreserved ones (A-Z a-z 0-9 - _ . ~) becomes %XX. GitLab
// wants a group path or wiki slug as one segment ("a/b" -> "a%2Fb"); S3 keys
// keep their '/' in the path.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace spamphibian::http {

std::string PercentEncode(std::string_view s, bool keep_slash = false);

// The inverse, for query strings and form bodies: %XX becomes the byte
// (a malformed escape stays as it is) and '+' a space.
std::string PercentDecode(std::string_view s);

// "a=1&b=x%20y" (a query string or an application/x-www-form-urlencoded
// body) as decoded pairs, in order.
std::vector<std::pair<std::string, std::string>> ParseForm(std::string_view s);

// The first value of `name` in ParseForm's result, or "".
std::string FormValue(const std::vector<std::pair<std::string, std::string>>& form, std::string_view name);

}  // namespace spamphibian::http
