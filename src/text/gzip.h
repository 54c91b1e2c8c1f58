// Gzip: the archive's batch objects (evaluated/…/<batch>.jsonl.gz) are
// gzip files any tool reads (zcat, S3 consoles, pandas), made with zlib.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace spamphibian::text {

// `data` as one gzip member.
std::string Gzip(std::string_view data);

// The data of a gzip file; InvalidArgument when it is not one, or when it
// would be larger than `max_bytes` (a hostile object is not inflated
// without bound).
Status Gunzip(std::string_view gz, std::size_t max_bytes, std::string* out);

}  // namespace spamphibian::text
