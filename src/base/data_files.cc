#include "base/data_files.h"

#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace spamphibian {

namespace {

std::string FindInstalledDataDir() {
  if (const char* env = std::getenv("SPAMPHIBIAN_DATA_DIR"); env != nullptr && *env != '\0') return env;
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "";
  const auto dir = self.parent_path().parent_path() / "share" / "spamphibian";
  return std::filesystem::is_directory(dir, ec) ? dir.string() : "";
}

}  // namespace

const std::string& InstalledDataDir() {
  static const std::string dir = FindInstalledDataDir();
  return dir;
}

std::string DataFileIn(const std::string& data_dir, const std::string& name, const std::string& build_path) {
  if (data_dir.empty()) return build_path;
  return (std::filesystem::path(data_dir) / name).string();
}

std::string DataFile(const std::string& name, const std::string& build_path) {
  return DataFileIn(InstalledDataDir(), name, build_path);
}

}  // namespace spamphibian
