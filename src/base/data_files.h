// Where the files the binary ships with are found: the bundled model, the
// data it was trained on, the evaluation set, the disposable e-mail domains.
//
// One binary serves three layouts without being rebuilt: the build tree
// (the paths CMake compiled in, in the source and build directories), an
// installation (the .deb, the container image: <prefix>/share/spamphibian
// beside <prefix>/bin/spamphibian), and an operator's own directory
// ($SPAMPHIBIAN_DATA_DIR). So the package and the image carry the very
// binary the tests ran.
#pragma once

#include <string>

namespace spamphibian {

// The directory the installed data is read from: $SPAMPHIBIAN_DATA_DIR if
// set, else <dir of this executable>/../share/spamphibian if it exists,
// else "" (a binary in the build tree). Read once; thread-safe.
const std::string& InstalledDataDir();

// `name` in InstalledDataDir() when there is one, else `build_path`.
std::string DataFile(const std::string& name, const std::string& build_path);

// The same decision for an explicit data directory (tests).
std::string DataFileIn(const std::string& data_dir, const std::string& name, const std::string& build_path);

}  // namespace spamphibian
