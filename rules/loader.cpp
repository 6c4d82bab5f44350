#include "rules/loader.h"

#include <algorithm>
#include <exception>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <tuple>

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

std::expected<RuleBook, LoadErrors> load_rule_dir(const std::string& dir) {
  std::vector<std::string> paths;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    auto ext = entry.path().extension();
    if (entry.is_regular_file() && (ext == ".yaml" || ext == ".yml")) paths.push_back(entry.path().string());
  }
  if (ec) return std::unexpected(LoadErrors{{dir, 0, 0, "cannot list the rules dir: " + ec.message()}});
  std::sort(paths.begin(), paths.end());
  return load_rule_files(paths);
}

}  // namespace setia::rules
