#pragma once

// What the replay tests (tests/unit/*_fuzz_replay_test.cpp) share: reading
// a seed corpus, and a deterministic mutator (byte flips, truncations,
// insertions of random bytes and of the format's tokens, chunk copies and
// splices of the seeds). A fixed seed for the generator makes a failure
// reproducible; libFuzzer explores further.

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace setia::fuzz {

// Every file of a seed corpus directory, by file name.
inline std::map<std::string, std::string> read_corpus(const std::filesystem::path& dir) {
  std::map<std::string, std::string> seeds;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    seeds[entry.path().filename().string()] = text.str();
  }
  return seeds;
}

inline std::string mutate(const std::vector<std::string>& seeds, std::span<const std::string_view> tokens,
                          std::mt19937_64& rng) {
  auto pick = [&](std::size_t n) { return n == 0 ? std::size_t{0} : static_cast<std::size_t>(rng() % n); };
  std::string s = seeds[pick(seeds.size())];
  for (std::size_t m = 1 + pick(4); m > 0; --m) {
    std::size_t at = pick(s.size() + 1);
    switch (pick(6)) {
      case 0:
        if (!s.empty()) {
          char& c = s[std::min(at, s.size() - 1)];
          c = static_cast<char>(c ^ static_cast<char>(1u << pick(8)));
        }
        break;
      case 1: s.resize(at); break;
      case 2: s.insert(at, 1, static_cast<char>(rng())); break;
      case 3: s.insert(at, tokens[pick(tokens.size())]); break;
      case 4: {
        std::size_t from = pick(s.size() + 1), len = pick(64);
        s.insert(at, s.substr(from, len));
        break;
      }
      case 5: {
        const std::string& other = seeds[pick(seeds.size())];
        s = s.substr(0, at) + other.substr(pick(other.size() + 1));
        break;
      }
    }
  }
  return s;
}

}  // namespace setia::fuzz
