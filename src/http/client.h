// HttpClient: outbound HTTP calls (GitLab's API; later Slack, S3, a model
// service). One interface, one libcurl implementation (CurlHttpClient).
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "config/secret.h"

namespace spamphibian::http {

struct ClientRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds timeout{10000};
  // Bodies longer than this are cut (ClientResponse::truncated) rather than
  // read to the end: a 100 MB snippet must not cost 100 MB.
  std::size_t max_response_bytes = 8 << 20;
  // AWS Signature V4 (S3): provider string such as "aws:amz:us-east-1:s3"
  // and the key pair; empty: no signing. libcurl signs the request.
  std::string aws_sigv4;
  Secret aws_access_key_id;
  Secret aws_secret_access_key;
};

struct ClientResponse {
  long status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  bool truncated = false;

  // The first header of that name (give it lower-case), or "".
  std::string_view Header(std::string_view lower_name) const;
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // Any HTTP status is a response (ok Status); Unavailable means no response
  // at all: connection refused or reset, timeout, TLS failure.
  virtual Status Send(const ClientRequest& request, ClientResponse* response) = 0;
};

}  // namespace spamphibian::http
