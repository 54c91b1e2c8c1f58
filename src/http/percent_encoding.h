// Percent-encoding (RFC 3986) of a URL path segment or query value: every
// byte but the unreserved ones (A-Z a-z 0-9 - _ . ~) becomes %XX. GitLab
// wants a group path or wiki slug as one segment ("a/b" -> "a%2Fb"); S3 keys
// keep their '/' in the path.
#pragma once

#include <string>
#include <string_view>

namespace spamphibian::http {

std::string PercentEncode(std::string_view s, bool keep_slash = false);

}  // namespace spamphibian::http
