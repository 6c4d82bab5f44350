#include "rules/loader.h"

#include <algorithm>
#include <exception>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <sstream>
#include <tuple>

#include "core/domain/store_id.h"
#include "rules/rule_reader.h"
#include "rules/version_hash.h"
#include "rules/yaml_guard.h"

namespace setia::rules {
namespace {

// Reads at most one byte past the limit: a huge file is refused without
// being read into memory whole.
std::optional<std::string> read_bounded(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string text(kMaxRuleFileBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) return std::nullopt;
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

}  // namespace

std::expected<RuleSet, LoadErrors> load_rule_text(const std::string& text, const std::string& file) {
  LoadErrors syntax;
  auto root = parse_rule_yaml(text, file, syntax);
  if (!root) return std::unexpected(std::move(syntax));
  RuleReader reader(file);
  RuleSet rs;
  try {
    rs = reader.read_file(*root);
  } catch (const YAML::Exception& e) {
    reader.errors.push_back({file, e.mark.line + 1, e.mark.column + 1, e.msg});
  } catch (const std::exception& e) {
    // A bug of ours or the library's, not of the file; still never fatal.
    reader.errors.push_back({file, 0, 0, std::string("cannot read the rules: ") + e.what()});
  }
  if (!reader.errors.empty()) {
    std::stable_sort(reader.errors.begin(), reader.errors.end(), [](const LoadError& a, const LoadError& b) {
      return std::tie(a.line, a.column) < std::tie(b.line, b.column);
    });
    return std::unexpected(std::move(reader.errors));
  }
  return rs;
}

std::expected<RuleSet, LoadErrors> load_rule_file(const std::string& path) {
  auto text = read_bounded(path);
  if (!text) return std::unexpected(LoadErrors{{path, 0, 0, "cannot read the file"}});
  return load_rule_text(*text, path);
}

std::expected<RuleBook, LoadErrors> load_rule_files(const std::vector<std::string>& paths) {
  RuleBook book;
  LoadErrors errors;
  std::map<std::string, std::string> seen;  // store -> file
  std::string hash_input;
  for (const auto& path : paths) {
    auto text = read_bounded(path);
    if (!text) {
      errors.push_back({path, 0, 0, "cannot read the file"});
      continue;
    }
    auto rs = load_rule_text(*text, path);
    if (!rs) {
      errors.insert(errors.end(), rs.error().begin(), rs.error().end());
      continue;
    }
    if (auto [it, fresh] = seen.emplace(rs->store, path); !fresh) {
      errors.push_back({path, 1, 1, "store '" + rs->store + "' already has a rule file: " + it->second});
      continue;
    }
    hash_input += std::filesystem::path(path).filename().string() + '\0' + *text + '\0';
    rs->source = std::move(*text);
    auto shared = std::make_shared<const RuleSet>(std::move(*rs));
    if (shared->store == "*")
      book.fallback = shared;
    else
      book.by_store.emplace(shared->store, shared);
    book.files.push_back(path);
  }
  if (!errors.empty()) return std::unexpected(std::move(errors));
  book.version = version_hash(hash_input);
  return book;
}

std::expected<std::vector<std::string>, LoadErrors> rule_files_in(const std::string& dir) {
  std::vector<std::string> paths;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    auto ext = entry.path().extension();
    if (entry.is_regular_file() && (ext == ".yaml" || ext == ".yml")) paths.push_back(entry.path().string());
  }
  if (ec) return std::unexpected(LoadErrors{{dir, 0, 0, "cannot list the rules dir: " + ec.message()}});
  std::sort(paths.begin(), paths.end());
  return paths;
}

std::expected<RuleBook, LoadErrors> load_rule_dir(const std::string& dir) {
  auto paths = rule_files_in(dir);
  if (!paths) return std::unexpected(std::move(paths.error()));
  return load_rule_files(*paths);
}

std::optional<std::string> declared_store(const std::string& text) {
  // A top-level `store: id` line, quoted or not, with an optional comment:
  // read line by line so that a file YAML cannot parse still names its store.
  static const std::regex kStoreLine(R"re(^store:[ \t]*(["']?)([a-z0-9*][a-z0-9-]*)\1[ \t]*(#.*)?\r?$)re");
  std::istringstream in(text);
  std::string line;
  std::optional<std::string> found;
  while (std::getline(in, line)) {
    std::smatch m;
    if (!std::regex_match(line, m, kStoreLine)) continue;
    if (found) return std::nullopt;  // two: cannot tell
    found = m[2].str();
  }
  if (found && *found != "*" && !domain::is_valid_store_id(*found)) return std::nullopt;
  return found;
}

std::expected<RuleBook, LoadErrors> load_rule_dir_by_store(const std::string& dir, const RuleBook* previous) {
  auto paths = rule_files_in(dir);
  if (!paths) return std::unexpected(std::move(paths.error()));
  // Each store's candidate files; a store is good when it has exactly one,
  // and that one is valid.
  struct Candidate {
    std::string path;
    std::expected<RuleSet, LoadErrors> rules;
  };
  std::map<std::string, std::vector<Candidate>> by_store;
  RuleBook book;
  for (const auto& path : *paths) {
    auto text = read_bounded(path);
    auto rules =
        text ? load_rule_text(*text, path)
             : std::expected<RuleSet, LoadErrors>(std::unexpected(LoadErrors{{path, 0, 0, "cannot read the file"}}));
    std::optional<std::string> store;
    if (rules) {
      rules->source = std::move(*text);
      store = rules->store;
    } else if (text) {
      store = declared_store(*text);
    }
    if (!store && previous) {
      // A file that named its store when it last loaded.
      for (const auto& rs : previous->by_store) {
        if (rs.second->file == path) store = rs.first;
      }
      if (previous->fallback && previous->fallback->file == path) store = "*";
    }
    if (!store) {
      book.unattributed.insert(book.unattributed.end(), rules.error().begin(), rules.error().end());
      continue;
    }
    by_store[*store].push_back({path, std::move(rules)});
  }
  for (auto& [store, candidates] : by_store) {
    std::shared_ptr<const RuleSet> chosen;
    if (candidates.size() == 1 && candidates[0].rules) {
      chosen = std::make_shared<const RuleSet>(std::move(*candidates[0].rules));
    } else {
      LoadErrors& errors = book.broken[store];
      for (auto& c : candidates) {
        if (!c.rules) {
          errors.insert(errors.end(), c.rules.error().begin(), c.rules.error().end());
        } else {
          errors.push_back({c.path, 1, 1,
                            "store '" + store + "' has " + std::to_string(candidates.size()) +
                                " rule files; it keeps the rules it had until one is removed"});
        }
      }
      if (previous && store == "*") {
        chosen = previous->fallback;
      } else if (previous) {
        if (auto it = previous->by_store.find(store); it != previous->by_store.end()) chosen = it->second;
      }
    }
    if (!chosen) continue;
    if (store == "*")
      book.fallback = chosen;
    else
      book.by_store.emplace(store, chosen);
  }
  // With every file good the version is load_rule_dir's.
  name_version(book);
  return book;
}

void name_version(RuleBook& book) {
  std::vector<std::pair<std::string, const RuleSet*>> in_force;
  auto name = [](const RuleSet& rs) {
    return rs.stored_version > 0 ? rs.store + "@v" + std::to_string(rs.stored_version)
                                 : std::filesystem::path(rs.file).filename().string();
  };
  for (const auto& [store, rs] : book.by_store) in_force.emplace_back(rs->file, rs.get());
  if (book.fallback) in_force.emplace_back(book.fallback->file, book.fallback.get());
  std::sort(in_force.begin(), in_force.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string hash_input;
  book.files.clear();
  for (const auto& [file, rs] : in_force) {
    hash_input += name(*rs) + '\0' + rs->source + '\0';
    if (rs->stored_version == 0) book.files.push_back(file);  // the dir's files in force
  }
  book.version = version_hash(hash_input);
}

}  // namespace setia::rules
