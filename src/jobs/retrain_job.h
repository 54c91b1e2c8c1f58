// RetrainJob: the learning loop's clock, one run at a time across replicas
// (JobScheduler). Each run:
//  1. a candidate shadowed for `shadow_for`: with `auto_promote` it is
//     promoted (`spamphibian model promote`); else it stays shadowed for a
//     person to promote (`model list` and the review page's models panel
//     show both models' figures side by side);
//  2. otherwise, once `interval` has passed since the last retrain, or
//     `min_new_labels` labels arrived since: `spamphibian model retrain
//     --shadow`, which registers the candidate, retires it at once when it
//     is not better (its card says why) and shadows it when it is.
// Training runs in a fresh process: it takes a minute and hundreds of MB,
// and a crash or an out-of-memory there never touches the service.
//
// State in Redis (<prefix>jobs:retrain:*): when it last trained, the last
// label it saw (an id of the labels stream), the shadowed version and since
// when.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "base/status.h"
#include "jobs/job.h"
#include "redis/client.h"

namespace spamphibian {

struct RetrainJobOptions {
  std::string prefix;  // the pipeline's key prefix
  std::chrono::seconds interval{86400};
  long long min_new_labels = 200;
  std::chrono::seconds shadow_for{24 * 3600};
  bool auto_promote = false;
  std::chrono::seconds check_every{60};
};

// Runs `spamphibian ARGS...` and returns its exit code and output; a test
// may stand in.
using RunCommand = std::function<Status(const std::vector<std::string>& args, int* exit_code, std::string* output)>;

// The real one: the spamphibian binary beside this one, two hours at most.
RunCommand SpamphibianCommand();

class RetrainJob : public Job {
 public:
  RetrainJob(RetrainJobOptions options, const redis::Connector& connector, RunCommand run)
      : options_(std::move(options)), client_(connector), run_(std::move(run)) {}

  std::string_view name() const override { return "retrain"; }
  std::chrono::seconds interval() const override { return options_.check_every; }
  Status Run() override;

 private:
  Status PromoteIfDue(bool* busy);
  Status RetrainIfDue();
  std::string Key(const char* name) const { return options_.prefix + "jobs:retrain:" + name; }

  RetrainJobOptions options_;
  redis::Client client_;
  RunCommand run_;
};

}  // namespace spamphibian
