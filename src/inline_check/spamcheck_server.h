// SpamcheckServer: the gRPC listener GitLab's "Spam Check via external API
// endpoint" calls (Admin > Settings > Reporting; `spam_check_endpoint_url`
// grpc://host:port or tls://host:port). The service of proto/spamcheck.proto
// on InlineChecker, plus the standard grpc.health.v1.Health (SERVING only
// while a model is loaded).
//
// Edges: the API key (SPAMCHECK_API_KEY), when set, must equal the
// `authorization` metadata GitLab sends raw (no "Bearer"), compared in
// constant time, else UNAUTHENTICATED before anything is read; messages
// above max_message_bytes are refused by gRPC (RESOURCE_EXHAUSTED); at most
// `max_threads` calls run at once (more are refused, never queued behind a
// slow one: GitLab's deadline is 2 s and it fails open); a request that
// cannot be judged (no user, no text) is INVALID_ARGUMENT, one whose bytes
// are not the message is gRPC's own error. Every error is counted.
#pragma once

#include <spdlog/logger.h>

#include <chrono>
#include <memory>
#include <string>

#include "base/status.h"
#include "config/config.h"
#include "inline_check/inline_checker.h"
#include "metrics/registry.h"

namespace spamphibian::inline_check {

class SpamcheckServer {
 public:
  virtual ~SpamcheckServer() = default;
  // The port it listens on (the one chosen when options.port was 0 is not
  // supported: 0 means off, and Start is not called).
  virtual int port() const = 0;
  // Stops taking calls; calls in flight get until `deadline`.
  virtual void Shutdown(std::chrono::system_clock::time_point deadline) = 0;
};

// Binds and starts serving. `checker`, `metrics` and `log` must outlive
// the server. InvalidArgument for unreadable TLS files, Unavailable when the
// address cannot be bound.
Status StartSpamcheckServer(const SpamcheckOptions& options, InlineChecker& checker, metrics::Registry& metrics,
                            spdlog::logger& log, std::unique_ptr<SpamcheckServer>* out);

}  // namespace spamphibian::inline_check
