// ChildProcess: runs a program (the spamphibian binary, redis-server) for an
// integration test, and makes sure it is gone when the test ends.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace spamphibian::testing {

class ChildProcess {
 public:
  // Starts argv[0] (searched in PATH) with the current environment plus
  // `env`; stdout and stderr go to `output_path` (appended).
  ChildProcess(std::vector<std::string> argv, std::map<std::string, std::string> env, std::string output_path);
  ~ChildProcess();  // SIGKILLs the process if it still runs
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  void Signal(int signo);
  // Waits for exit; the exit code, 128+signal if killed, -1 on timeout.
  int Wait(std::chrono::milliseconds timeout);
  bool running();

 private:
  pid_t pid_ = -1;
  int status_ = -1;
};

// A TCP port on 127.0.0.1 that nothing listens on right now.
int FreePort();

// Reads a whole file ("" if missing).
std::string ReadFile(const std::string& path);

// A fresh empty directory under /tmp, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Polls `condition` every 20 ms until it is true or `timeout` passes.
template <typename F>
bool WaitFor(F condition, std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace spamphibian::testing

#include <thread>

template <typename F>
bool spamphibian::testing::WaitFor(F condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return condition();
}
