#include "classify/child_check.h"

#include <sys/resource.h>

#include <filesystem>

#include "base/subprocess.h"

namespace spamphibian::classify {
namespace {

constexpr auto kDeadline = std::chrono::seconds(60);
constexpr std::size_t kMaxMessage = 2048;

}  // namespace

std::string DefaultModelChecker() { return SpamphibianBinary(); }

Status CheckInSubprocess(const std::string& checker, const std::string& path) {
  ProcessResult r;
  if (Status s = RunProcess({checker, "model", "check", "--quiet", path}, kDeadline, kMaxMessage, &r); !s.ok()) {
    return Status::Unavailable("model check: " + s.message() + "; set SPAMPHIBIAN_MODEL_CHECKER to the spamphibian binary");
  }
  if (r.timed_out) return Status::InvalidArgument("model '" + path + "': loading took too long");
  if (r.exited && r.exit_code == 0) return Status::Ok();
  if (r.exited && r.exit_code == 127) return Status::Unavailable("model check: cannot run '" + checker + "'");
  // The checker's refusal names the file and the reason ("model 'x':
  // damaged bundle (header cut short)"); a crash says nothing.
  const std::string why = LastLine(r.output);
  if (r.exited && r.exit_code == 1 && !why.empty()) return Status::InvalidArgument(why);
  return Status::InvalidArgument("model '" + path + "': damaged (loading it " + (r.exited ? "failed" : "crashed") + ")");
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
