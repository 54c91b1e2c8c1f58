#include "classify/child_check.h"

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

namespace spamphibian::classify {

Status TryInChild(const std::string& path, const std::function<bool()>& load) {
  const pid_t pid = fork();
  if (pid < 0) return Status::Internal("fork failed");
  if (pid == 0) {
    // A damaged header can make fastText allocate without bound (a 1000-byte
    // prefix of a model asked for gigabytes): the child gets a memory
    // ceiling and a CPU-time limit, and dies instead of the machine.
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    const rlim_t size = in ? static_cast<rlim_t>(in.tellg()) : 0;
#if !defined(__SANITIZE_ADDRESS__)  // ASan's shadow memory alone is larger than any ceiling
    const rlimit memory{size * 4 + (1ull << 30), size * 4 + (1ull << 30)};
    (void)setrlimit(RLIMIT_AS, &memory);
#endif
    const rlimit cpu{30, 31};
    (void)setrlimit(RLIMIT_CPU, &cpu);
    _exit(load() ? 0 : 1);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return Status::InvalidArgument("model '" + path + "': loading took too long");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return Status::Ok();
  return Status::InvalidArgument("model '" + path + "': damaged (loading it " +
                                 (WIFSIGNALED(status) ? "crashed" : "failed") + ")");
}

}  // namespace spamphibian::classify
