#include "base/thread_name.h"

#include <pthread.h>

namespace spamphibian {

void NameThisThread(std::string_view name) {
  // 16 bytes with the terminating NUL, or pthread_setname_np refuses it.
  const std::string cut(name.substr(0, 15));
  (void)pthread_setname_np(pthread_self(), cut.c_str());
}

std::string ThisThreadName() {
  char name[16] = {};
  if (pthread_getname_np(pthread_self(), name, sizeof name) != 0) return "";
  return name;
}

}  // namespace spamphibian
