// JSON lines in a gzip object: the archive's batch objects (evaluated
// decisions, actions) are read back line by line through this one reader.
#pragma once

#include <nlohmann/json.hpp>

#include <string_view>
#include <vector>

#include "base/status.h"

namespace spamphibian::text {

// The objects of a gzip file of JSON lines (blank lines skipped).
// InvalidArgument when it is not gzip, inflates past `max_bytes`, or a
// line is not a JSON object.
Status ReadGzipJsonLines(std::string_view gz, std::size_t max_bytes, std::vector<nlohmann::json>* out);

}  // namespace spamphibian::text
