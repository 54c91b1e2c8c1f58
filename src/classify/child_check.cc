#include "classify/child_check.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <thread>
#include <vector>

extern char** environ;

namespace spamphibian::classify {
namespace {

constexpr auto kDeadline = std::chrono::seconds(60);
constexpr std::size_t kMaxMessage = 2048;

// Closes both ends of a pipe on every path out.
struct Pipe {
  int fds[2] = {-1, -1};
  ~Pipe() {
    for (int fd : fds) {
      if (fd >= 0) close(fd);
    }
  }
};

// The checker's last line of output, for the refusal's message.
std::string LastLine(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  if (auto nl = text.rfind('\n'); nl != std::string::npos) text.erase(0, nl + 1);
  return text;
}

}  // namespace

std::string DefaultModelChecker() {
  if (const char* env = std::getenv("SPAMPHIBIAN_MODEL_CHECKER"); env != nullptr && *env != '\0') return env;
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "spamphibian";
  return (self.parent_path() / "spamphibian").string();
}

Status CheckInSubprocess(const std::string& checker, const std::string& path) {
  Pipe out;
  if (pipe2(out.fds, O_CLOEXEC) != 0) return Status::Unavailable("model check: pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out.fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out.fds[1], STDERR_FILENO);
  std::vector<std::string> args = {checker, "model", "check", "--quiet", path};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, checker.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    return Status::Unavailable("model check: cannot start '" + checker + "' (" + std::string(strerror(rc)) +
                               "); set SPAMPHIBIAN_MODEL_CHECKER to the spamphibian binary");
  }
  close(out.fds[1]);
  out.fds[1] = -1;
  (void)fcntl(out.fds[0], F_SETFL, O_NONBLOCK);

  std::string message;
  const auto deadline = std::chrono::steady_clock::now() + kDeadline;
  int status = 0;
  for (;;) {
    std::array<char, 512> buffer;
    ssize_t n;
    while ((n = read(out.fds[0], buffer.data(), buffer.size())) > 0) {
      if (message.size() < kMaxMessage) message.append(buffer.data(), static_cast<std::size_t>(n));
    }
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) return Status::Internal("model check: waitpid failed");
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return Status::InvalidArgument("model '" + path + "': loading took too long");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return Status::Ok();
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
    return Status::Unavailable("model check: cannot run '" + checker + "'");
  }
  // The checker's refusal names the file and the reason ("model 'x':
  // damaged bundle (header cut short)"); a crash says nothing.
  const std::string why = LastLine(message);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 1 && !why.empty()) return Status::InvalidArgument(why);
  return Status::InvalidArgument("model '" + path + "': damaged (loading it " +
                                 (WIFSIGNALED(status) ? "crashed" : "failed") + ")");
}

void LimitThisProcessForLoading(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
#if !defined(__SANITIZE_ADDRESS__)  // ASan's shadow memory alone is larger than any ceiling
  const rlim_t ceiling = (ec ? 0 : static_cast<rlim_t>(size) * 4) + (1ull << 30);
  const rlimit memory{ceiling, ceiling};
  (void)setrlimit(RLIMIT_AS, &memory);
#else
  (void)size;
#endif
  const rlimit cpu{30, 31};
  (void)setrlimit(RLIMIT_CPU, &cpu);
}

}  // namespace spamphibian::classify
