// CurlHttpClient: HttpClient on one libcurl easy handle, reused for every
// call so that connections stay open (keep-alive) and TLS sessions are
// resumed. TLS certificates are verified; `ca_bundle` adds a CA file for
// self-signed instances.
//
// Not thread-safe: one per thread (each stage worker owns one).
#pragma once

#include <memory>
#include <string>

#include "http/client.h"
#include "http/upstream_stats.h"

namespace spamphibian::http {

struct CurlOptions {
  std::string ca_bundle;  // empty: the system's CA store
  std::chrono::milliseconds connect_timeout{3000};
  std::shared_ptr<UpstreamStats> stats;  // null: not counted (command-line tools)
};

// Default options, counting into `stats`.
inline CurlOptions CountedInto(std::shared_ptr<UpstreamStats> stats) {
  CurlOptions o;
  o.stats = std::move(stats);
  return o;
}

class CurlHttpClient : public HttpClient {
 public:
  explicit CurlHttpClient(CurlOptions options = {});
  ~CurlHttpClient() override;
  CurlHttpClient(const CurlHttpClient&) = delete;
  CurlHttpClient& operator=(const CurlHttpClient&) = delete;

  Status Send(const ClientRequest& request, ClientResponse* response) override;

 private:
  CurlOptions options_;
  void* curl_;  // CURL*
};

}  // namespace spamphibian::http
