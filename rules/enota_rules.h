#pragma once

#include <string>
#include <vector>

namespace setia::rules {

// What the store's e-nota (electronic receipt) adds around the sale.
struct EnotaRules {
  std::vector<std::string> header;
  std::vector<std::string> footer;
  int width = 32;  // characters per line: 32 for 58 mm paper, 48 for 80 mm
};

}  // namespace setia::rules
