#include "base/subprocess.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <thread>

extern char** environ;

namespace spamphibian {
namespace {

// Closes both ends of a pipe on every path out.
struct Pipe {
  int fds[2] = {-1, -1};
  ~Pipe() {
    for (int fd : fds) {
      if (fd >= 0) close(fd);
    }
  }
};

}  // namespace

std::string LastLine(const std::string& text) {
  const std::size_t end = text.find_last_not_of("\r\n");
  if (end == std::string::npos) return "";
  const std::size_t nl = text.rfind('\n', end);
  const std::size_t start = nl == std::string::npos ? 0 : nl + 1;
  return text.substr(start, end + 1 - start);
}

std::string SpamphibianBinary() {
  for (const char* name : {"SPAMPHIBIAN_BINARY", "SPAMPHIBIAN_MODEL_CHECKER"}) {
    if (const char* env = std::getenv(name); env != nullptr && *env != '\0') return env;
  }
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "spamphibian";
  return (self.parent_path() / "spamphibian").string();
}

Status RunProcess(const std::vector<std::string>& args, std::chrono::milliseconds deadline, std::size_t max_output,
                  ProcessResult* out) {
  *out = ProcessResult();
  if (args.empty()) return Status::InvalidArgument("no program to run");
  Pipe pipe;
  if (pipe2(pipe.fds, O_CLOEXEC) != 0) return Status::Unavailable("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe.fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, pipe.fds[1], STDERR_FILENO);
  std::vector<std::string> copy = args;
  std::vector<char*> argv;
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, args[0].c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return Status::Unavailable("cannot start '" + args[0] + "' (" + std::string(strerror(rc)) + ")");
  close(pipe.fds[1]);
  pipe.fds[1] = -1;
  (void)fcntl(pipe.fds[0], F_SETFL, O_NONBLOCK);

  const auto until = std::chrono::steady_clock::now() + deadline;
  int status = 0;
  for (;;) {
    std::array<char, 4096> buffer;
    ssize_t n;
    while ((n = read(pipe.fds[0], buffer.data(), buffer.size())) > 0) {
      if (out->output.size() < max_output) {
        out->output.append(buffer.data(), std::min(static_cast<std::size_t>(n), max_output - out->output.size()));
      }
    }
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) return Status::Internal("waitpid failed");
    if (std::chrono::steady_clock::now() > until) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      out->timed_out = true;
      return Status::Ok();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  // What it wrote just before exiting.
  std::array<char, 4096> buffer;
  ssize_t n;
  while ((n = read(pipe.fds[0], buffer.data(), buffer.size())) > 0) {
    if (out->output.size() < max_output) {
      out->output.append(buffer.data(), std::min(static_cast<std::size_t>(n), max_output - out->output.size()));
    }
  }
  out->exited = WIFEXITED(status);
  out->exit_code = out->exited ? WEXITSTATUS(status) : -1;
  return Status::Ok();
}

}  // namespace spamphibian
