// Names the calling thread, as `top -H`, `ps -L`, gdb and perf show it
// ("act-1", "http-0", "heartbeat"): an operator looking at a busy process
// sees which part of the pipeline is busy. Linux keeps 15 bytes of a name;
// longer ones are cut there. Best effort: a failure changes nothing else.
#pragma once

#include <string>
#include <string_view>

namespace spamphibian {

void NameThisThread(std::string_view name);

// The calling thread's name ("" if it cannot be read).
std::string ThisThreadName();

}  // namespace spamphibian
