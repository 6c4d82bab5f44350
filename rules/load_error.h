#pragma once

#include <string>
#include <vector>

namespace setia::rules {

// One problem in a rule file, located as editors and compilers do.
struct LoadError {
  std::string file;
  int line = 0;    // 1-based; 0 when the file could not be read at all
  int column = 0;  // 1-based
  std::string message;

  std::string to_string() const {
    if (line == 0) return file + ": " + message;
    return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
  }
};

using LoadErrors = std::vector<LoadError>;

}  // namespace setia::rules
