#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "core/domain/voucher_terms.h"
#include "rules/civil_time.h"
#include "rules/rule_set.h"
#include "rules/yaml_reader.h"

namespace setia::rules {

// Reads one rule file's tree into a RuleSet, collecting every problem as a
// positioned LoadError (YamlReader does the generic typed reading). The
// top level and the rule-file scalars are read in rule_reader.cpp, the
// sections in read_points.cpp, read_offers.cpp (rewards, promos, birthday,
// voucher terms) and read_store.cpp (sale limits, reservations, e-nota, push
// texts, branding).
// An id of a rule, reward, promo or segment: [a-z0-9][a-z0-9_-]{0,62}.
bool is_rule_id(std::string_view s);

// The number of characters (code points) of valid UTF-8, or none.
std::optional<std::size_t> utf8_chars(std::string_view s);

class RuleReader : public YamlReader {
 public:
  using YamlReader::YamlReader;

  RuleSet read_file(const YAML::Node& root);

 private:
  // Rule-file scalars.
  std::optional<std::string> id(const YAML::Node& n, std::string_view what);
  std::optional<LocalDate> date(const YAML::Node& n, std::string_view what);
  std::optional<int> clock(const YAML::Node& n, std::string_view what);
  std::optional<TimeWindow> window(const YAML::Node& n, std::string_view what);
  DaySet days(const YAML::Node& n, std::string_view what);
  // A string of at most `max_chars` characters of valid UTF-8 with no
  // control characters (it ends up in JSON, pushes and printed receipts).
  std::optional<std::string> text(const YAML::Node& n, std::string_view what, std::size_t max_chars);
  std::vector<std::string> texts(const YAML::Node& n, std::string_view what, std::size_t max_items,
                                 std::size_t max_chars);
  // A text of a push or a message may fill in only `allowed` ({name}, ...):
  // an error names the character (not byte) where something else starts.
  void placeholders(const YAML::Node& n, const std::string& what, std::string_view text,
                    const std::vector<std::string_view>& allowed);
  // Records an earn rule name, reward id or promo id; they share one
  // namespace because the ledger and the API name them side by side.
  void claim_id(const YAML::Node& at, const std::string& id, std::string_view kind);
  // An error when `map` lacks `key`; true when it has it.
  bool require(const YAML::Node& map, const char* key, std::string_view what, std::string_view hint);
  // An error when both dates are set and `until` is before `from`.
  void date_order(const YAML::Node& until_node, std::optional<LocalDate> from, std::optional<LocalDate> until,
                  std::string_view what);

  // read_points.cpp
  void points(const YAML::Node& n, PointsRules& out);
  std::optional<EarnRule> earn_rule(const YAML::Node& n, const std::string& what);
  When when(const YAML::Node& n, const std::string& what);
  void expiry(const YAML::Node& n, PointsRules& out);

  // read_offers.cpp
  std::optional<domain::VoucherTerms> voucher(const YAML::Node& n, const std::string& what);
  void rewards(const YAML::Node& n, std::vector<Reward>& out);
  void promos(const YAML::Node& n, std::vector<Promo>& out);
  std::optional<Birthday> birthday(const YAML::Node& n);

  // read_store.cpp
  void sales(const YAML::Node& n, SaleLimits& out);
  std::optional<Reservations> reservations(const YAML::Node& n);
  void opening_hours(const YAML::Node& n, Reservations& out);
  void enota(const YAML::Node& n, EnotaRules& out);
  void notifications(const YAML::Node& n, PushTemplates& out);
  void branding(const YAML::Node& n, Branding& out);

  struct Claimed {
    int line;
    int column;
    std::string kind;
  };
  std::map<std::string, Claimed, std::less<>> ids_;
};

}  // namespace setia::rules
