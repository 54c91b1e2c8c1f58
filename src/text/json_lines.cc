#include "text/json_lines.h"

#include "text/gzip.h"

namespace spamphibian::text {

Status ReadGzipJsonLines(std::string_view gz, std::size_t max_bytes, std::vector<nlohmann::json>* out) {
  out->clear();
  std::string lines;
  if (Status s = Gunzip(gz, max_bytes, &lines); !s.ok()) return s;
  for (std::size_t at = 0; at < lines.size();) {
    const std::size_t end = std::min(lines.find('\n', at), lines.size());
    if (end > at) {
      nlohmann::json line = nlohmann::json::parse(std::string_view(lines).substr(at, end - at), nullptr, false);
      if (!line.is_object()) return Status::InvalidArgument("a line of the object is not a JSON object");
      out->push_back(std::move(line));
    }
    at = end + 1;
  }
  return Status::Ok();
}

}  // namespace spamphibian::text
