#include "core/services/rule_versions.h"

#include <chrono>

#include "core/pipeline/refund_flow.h"
#include "rules/loader.h"
#include "rules/promos.h"
#include "rules/version_hash.h"
#include "rules/voucher_terms.h"

namespace setia::core {
namespace {

ServiceError unavailable(const StoreError& e) { return {ServiceError::Kind::unavailable, e.message}; }

RuleSaveFailure failure(ServiceError e) { return {{}, std::move(e)}; }

}  // namespace

SaleOutcome outcome_of(const rules::RuleSet* rules, const domain::Sale& sale) {
  SaleOutcome out;
  if (!rules) return out;
  out.has_rules = true;
  out.points = rules::evaluate_points(*rules, sale);
  for (const auto* p : rules::active_promos(*rules, sale.occurred_at_unix)) {
    out.promos.push_back({p->id, p->title, rules::discount_for(p->voucher, sale)});
  }
  return out;
}

std::optional<LiveRules> RuleVersions::live(const std::string& store) const {
  auto book = rules_();
  const auto* rs = book ? book->for_store(store) : nullptr;
  if (!rs) return std::nullopt;
  return LiveRules{rs->source, rs->file, rs->store == store, rs->stored_version, rs->stored_at};
}

std::expected<rules::RuleSet, std::vector<rules::FieldError>> RuleVersions::check(const std::string& store,
                                                                                  const std::string& text) const {
  const std::string label = "rule_versions/" + store;
  auto rs = rules::load_rule_text(text, label);
  if (!rs) return std::unexpected(rules::field_errors(text, rs.error()));
  if (rs->store != store) {
    return std::unexpected(std::vector<rules::FieldError>{
        {"store", 0, 0,
         "store must be '" + store + "' (the store these rules are saved for), got '" + rs->store + "'"}});
  }
  rs->source = text;
  return std::move(*rs);
}

std::expected<RuleVersion, RuleSaveFailure> RuleVersions::save(const Save& s) {
  if (s.note.size() > 500) return std::unexpected(failure({ServiceError::Kind::invalid, "note: at most 500 bytes"}));
  auto checked = check(s.store, s.yaml);
  if (!checked) return std::unexpected(RuleSaveFailure{checked.error(), std::nullopt});
  // The store's own file as this process loaded it: recorded as version 1
  // before the first save, so that it never counts as a new file content.
  std::optional<NewRuleVersion> file_text;
  if (auto book = rules_()) {
    if (auto it = book->by_store.find(s.store); it != book->by_store.end() && it->second->stored_version == 0) {
      file_text = NewRuleVersion{s.store,
                                 it->second->source,
                                 rules::version_hash(it->second->source),
                                 "file",
                                 std::nullopt,
                                 std::nullopt,
                                 "file:" + it->second->file,
                                 ""};
    }
  }
  NewRuleVersion v{s.store, s.yaml, rules::version_hash(s.yaml), s.source, s.restored_from, s.admin_id,
                   s.actor, s.note};
  auto saved = versions_.save(v, s.base_version, file_text);
  if (!saved) {
    if (const auto* stale = saved.error().refusal()) {
      return std::unexpected(failure({ServiceError::Kind::conflict,
                                      "the rules were saved by someone else meanwhile: the newest version is " +
                                          std::to_string(stale->latest) + ", this edit started from " +
                                          std::to_string(s.base_version) + "; reload them and edit again",
                                      "stale_version"}));
    }
    return std::unexpected(failure(unavailable(*saved.error().store_error())));
  }
  return *saved;
}

std::expected<RuleVersion, RuleSaveFailure> RuleVersions::restore(const std::string& store, int n,
                                                                  std::optional<int> base, const std::string& note,
                                                                  const std::string& actor,
                                                                  std::optional<long long> admin_id) {
  auto old = get(store, n);
  if (!old) return std::unexpected(failure(old.error()));
  int from = 0;
  if (base) {
    from = *base;
  } else {
    auto newest = versions_.newest(store);
    if (!newest) return std::unexpected(failure(unavailable(newest.error())));
    from = *newest ? (*newest)->version : 0;
  }
  return save({.store = store,
               .yaml = old->yaml,
               .base_version = from,
               .note = note.empty() ? "restored from version " + std::to_string(n) : note,
               .actor = actor,
               .admin_id = admin_id,
               .source = "restore",
               .restored_from = n});
}

std::expected<std::optional<RuleVersion>, ServiceError> RuleVersions::newest(const std::string& store) {
  auto v = versions_.newest(store);
  if (!v) return std::unexpected(unavailable(v.error()));
  return *v;
}

std::expected<Page<RuleVersion>, ServiceError> RuleVersions::list(const std::string& store, const PageRequest& page) {
  auto p = versions_.list(store, page);
  if (!p) return std::unexpected(unavailable(p.error()));
  return *p;
}

std::expected<RuleVersion, ServiceError> RuleVersions::get(const std::string& store, int n) {
  auto v = versions_.get(store, n);
  if (!v) return std::unexpected(unavailable(v.error()));
  if (!*v) return fail(ServiceError::Kind::not_found, "store " + store + " has no rule version " + std::to_string(n));
  return **v;
}

std::expected<RulesPreview, ServiceError> RuleVersions::preview(const std::string& store,
                                                                const rules::RuleSet& candidate,
                                                                const domain::Sale& sale, int days) {
  auto book = rules_();
  const rules::RuleSet* in_force = book ? book->for_store(store) : nullptr;
  RulesPreview out;
  out.live = outcome_of(in_force, sale);
  out.candidate = outcome_of(&candidate, sale);
  auto& bt = out.backtest;
  bt.days = days;
  bt.since =
      std::chrono::duration_cast<std::chrono::seconds>((clock_.now() - std::chrono::days(days)).time_since_epoch())
          .count();
  auto sales = sales_.member_sales_of_store_since(store, bt.since);
  if (!sales) return std::unexpected(unavailable(sales.error()));
  for (const auto& recorded : *sales) {
    auto s = sale_from_plan(recorded.sale_json);
    if (!s) continue;
    ++bt.member_sales;
    bt.points_recorded += recorded.points_earned;
    if (in_force) bt.live.points += rules::evaluate_points(*in_force, *s).points;
    bt.candidate.points += rules::evaluate_points(candidate, *s).points;
  }
  if (in_force) bt.live.point_value = rules::point_value(*in_force);
  bt.candidate.point_value = rules::point_value(candidate);
  bt.live.liability = rules::liability(bt.live.point_value, bt.live.points);
  bt.candidate.liability = rules::liability(bt.candidate.point_value, bt.candidate.points);
  return out;
}

}  // namespace setia::core
