#include "rules/loader.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <tuple>

#include "core/domain/store_id.h"
#include "rules/version_hash.h"
#include "rules/yaml_reader.h"

namespace setia::rules {
namespace {

// Reads one rule file's tree; the generic typed reading is YamlReader's.
class Reader : public YamlReader {
 public:
  using YamlReader::YamlReader;

  void earn_rule(const YAML::Node& n, std::size_t index, std::set<std::string>& names, PointsRules& out) {
    std::string what = "points.earn[" + std::to_string(index) + "]";
    if (!keys(n, what, {"name", "per_amount", "points", "basis", "exclude_categories"})) return;
    EarnRule rule;
    if (!n["name"]) {
      error(n, what + " needs a 'name'");
    } else if (auto s = string(n["name"], what + ".name")) {
      rule.name = *s;
      if (!names.insert(rule.name).second) error(n["name"], "duplicate earn rule name '" + rule.name + "'");
    }
    if (!n["per_amount"]) {
      error(n, what + " needs 'per_amount' (rupiah spent per 'points', e.g. 1000)");
    } else if (auto v = integer(n["per_amount"], what + ".per_amount", 1, 1'000'000'000)) {
      rule.per_amount = *v;
    }
    if (n["points"]) {
      if (auto v = integer(n["points"], what + ".points", 1, 1'000'000)) rule.points = *v;
    }
    if (n["basis"]) {
      if (auto s = string(n["basis"], what + ".basis")) {
        if (*s == "total") rule.basis = Basis::total;
        else if (*s == "subtotal") rule.basis = Basis::subtotal;
        else error(n["basis"], what + ".basis must be 'total' or 'subtotal', got '" + *s + "'");
      }
    }
    if (n["exclude_categories"]) rule.exclude_categories = strings(n["exclude_categories"], what + ".exclude_categories");
    out.earn.push_back(std::move(rule));
  }

  void points(const YAML::Node& n, PointsRules& out) {
    if (!keys(n, "points", {"earn", "max_per_sale", "expiry"})) return;
    if (n["earn"]) {
      if (!n["earn"].IsSequence()) {
        error(n["earn"], "points.earn must be a list of earn rules");
      } else {
        std::set<std::string> names;
        std::size_t i = 0;
        for (const auto& rule : n["earn"]) earn_rule(rule, i++, names, out);
      }
    }
    if (n["max_per_sale"]) out.max_per_sale = integer(n["max_per_sale"], "points.max_per_sale", 0, 1'000'000'000);
    if (const auto e = n["expiry"]) {
      if (keys(e, "points.expiry", {"after_days"}) && e["after_days"]) {
        if (auto v = integer(e["after_days"], "points.expiry.after_days", 1, 3650)) {
          out.expiry_after_days = static_cast<int>(*v);
        }
      }
    }
  }

  void enota(const YAML::Node& n, EnotaRules& out) {
    if (!keys(n, "enota", {"header", "footer", "width"})) return;
    if (n["header"]) out.header = strings(n["header"], "enota.header");
    if (n["footer"]) out.footer = strings(n["footer"], "enota.footer");
    if (n["width"]) {
      if (auto v = integer(n["width"], "enota.width", 24, 80)) out.width = static_cast<int>(*v);
    }
  }

  RuleSet read_file(const YAML::Node& root) {
    RuleSet rs;
    rs.file = file();
    if (!keys(root, "a rule file", {"version", "store", "timezone", "currency", "points", "enota"})) return rs;
    if (!root["version"]) {
      error(root, "missing 'version' (expected: version: 1)");
    } else {
      integer(root["version"], "version", 1, 1);
    }
    if (!root["store"]) {
      error(root, "missing 'store' (a store id, or \"*\" for every store without its own file)");
    } else if (auto s = string(root["store"], "store")) {
      if (*s != "*" && !domain::is_valid_store_id(*s)) {
        error(root["store"], "store must be \"*\" or match [a-z0-9][a-z0-9-]{0,62}, got '" + *s + "'");
      }
      rs.store = *s;
    }
    if (!root["timezone"]) {
      error(root, "missing 'timezone' (an IANA name such as Asia/Jakarta, Asia/Makassar or Asia/Jayapura)");
    } else if (auto s = string(root["timezone"], "timezone")) {
      if (s->find('/') == std::string::npos || s->size() > 64) {
        error(root["timezone"], "timezone must be an IANA name such as Asia/Jakarta, got '" + *s + "'");
      }
      rs.timezone = *s;
    }
    rs.currency = "IDR";
    if (root["currency"]) {
      if (auto s = string(root["currency"], "currency")) {
        if (*s != "IDR") error(root["currency"], "currency must be IDR (the only one supported), got '" + *s + "'");
      }
    }
    if (root["points"]) points(root["points"], rs.points);
    if (root["enota"]) enota(root["enota"], rs.enota);
    return rs;
  }
};

}  // namespace

std::expected<RuleSet, LoadErrors> load_rule_text(const std::string& text, const std::string& file) {
  LoadErrors syntax;
  auto root = parse_yaml(text, file, syntax);
  if (!root) return std::unexpected(std::move(syntax));
  Reader reader(file);
  RuleSet rs;
  try {
    rs = reader.read_file(*root);
  } catch (const YAML::Exception& e) {
    reader.errors.push_back({file, e.mark.line + 1, e.mark.column + 1, e.msg});
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
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::unexpected(LoadErrors{{path, 0, 0, "cannot read the file"}});
  std::ostringstream ss;
  ss << in.rdbuf();
  return load_rule_text(ss.str(), path);
}

std::expected<RuleBook, LoadErrors> load_rule_files(const std::vector<std::string>& paths) {
  RuleBook book;
  LoadErrors errors;
  std::map<std::string, std::string> seen;  // store -> file
  std::string hash_input;
  for (const auto& path : paths) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      errors.push_back({path, 0, 0, "cannot read the file"});
      continue;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    auto rs = load_rule_text(text, path);
    if (!rs) {
      errors.insert(errors.end(), rs.error().begin(), rs.error().end());
      continue;
    }
    if (auto [it, fresh] = seen.emplace(rs->store, path); !fresh) {
      errors.push_back({path, 1, 1, "store '" + rs->store + "' already has a rule file: " + it->second});
      continue;
    }
    hash_input += std::filesystem::path(path).filename().string() + '\0' + text + '\0';
    auto shared = std::make_shared<const RuleSet>(std::move(*rs));
    if (shared->store == "*") book.fallback = shared;
    else book.by_store.emplace(shared->store, shared);
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
