#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "core/domain/sale.h"
#include "core/ports/clock.h"
#include "core/ports/rule_version_store.h"
#include "core/ports/sale_records.h"
#include "core/services/rules_source.h"
#include "core/services/service_error.h"
#include "rules/evaluator.h"
#include "rules/field_path.h"
#include "rules/rewards.h"

namespace setia::core {

// What a sale gets under one rule set: its points, and the promos running
// at its time with what each promo's voucher would take off it.
struct SaleOutcome {
  bool has_rules = false;  // false: the store had no rules (no points, no promos)
  rules::PointsDecision points;
  struct PromoOffer {
    std::string id;
    std::string title;
    domain::Money discount = 0;  // rules::discount_for on this sale (0: below its min_spend)
  };
  std::vector<PromoOffer> promos;
};

// The store's member sales of the last `days` days under two rule sets.
struct Backtest {
  int days = 30;
  std::int64_t since = 0;  // unix seconds
  long long member_sales = 0;
  domain::Points points_recorded = 0;  // what those sales really earned
  struct Side {
    domain::Points points = 0;
    rules::PointValue point_value;
    domain::Money liability = 0;  // rules::liability(point_value, points)
  };
  Side live, candidate;
};

struct RulesPreview {
  SaleOutcome live, candidate;
  Backtest backtest;
};

// The rules in force for a store in this process, for the console.
struct LiveRules {
  std::string text;         // the YAML in force (the store's, or the default "*" file's)
  std::string file;         // where it came from: a path, or rule_versions/<store>@v<n>
  bool own = false;         // false: the store runs on the default "*" file
  int live_version = 0;     // the stored version in force here; 0: a file
  std::int64_t stored_at = 0;
};

// A save's refusal: the loader's errors (422, each at its field), or a
// service error (409 stale base, 404, 503).
struct RuleSaveFailure {
  std::vector<rules::FieldError> fields;
  std::optional<ServiceError> error;
};

// A store's rules edited from the owner's console (docs/rules.md, "Rule
// versions"): every save validated by the rule loader itself, kept as a
// version in the RuleVersionStore; setiad applies it when the store tells
// it (LISTEN/NOTIFY). The services never touch the rules dir.
class RuleVersions {
 public:
  RuleVersions(RuleVersionStore& versions, SaleRecords& sales, RulesSource rules, const Clock& clock)
      : versions_(versions), sales_(sales), rules_(std::move(rules)), clock_(clock) {}

  std::optional<LiveRules> live(const std::string& store) const;

  // The loader's verdict on a candidate text for `store` (whose `store:`
  // must name it).
  std::expected<rules::RuleSet, std::vector<rules::FieldError>> check(const std::string& store,
                                                                      const std::string& text) const;

  struct Save {
    std::string store;
    std::string yaml;
    int base_version = 0;  // the newest version the editor started from (0: none yet)
    std::string note;
    std::string actor;
    std::optional<long long> admin_id;
    std::string source = "console";
    std::optional<int> restored_from;
  };
  std::expected<RuleVersion, RuleSaveFailure> save(const Save& s);
  // A new version with version `n`'s text; base: as save's, none: the newest.
  std::expected<RuleVersion, RuleSaveFailure> restore(const std::string& store, int n, std::optional<int> base,
                                                      const std::string& note, const std::string& actor,
                                                      std::optional<long long> admin_id);

  std::expected<std::optional<RuleVersion>, ServiceError> newest(const std::string& store);
  std::expected<Page<RuleVersion>, ServiceError> list(const std::string& store, const PageRequest& page);
  std::expected<RuleVersion, ServiceError> get(const std::string& store, int n);

  // `sale` under the rules in force and under `candidate`, and the store's
  // member sales of the last `days` days under both.
  std::expected<RulesPreview, ServiceError> preview(const std::string& store, const rules::RuleSet& candidate,
                                                    const domain::Sale& sale, int days = 30);

 private:
  RuleVersionStore& versions_;
  SaleRecords& sales_;
  RulesSource rules_;
  const Clock& clock_;
};

// One rule set's outcome for a sale (pure).
SaleOutcome outcome_of(const rules::RuleSet* rules, const domain::Sale& sale);

}  // namespace setia::core
