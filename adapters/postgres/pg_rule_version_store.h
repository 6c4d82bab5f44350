#pragma once

#include "adapters/postgres/pg_session.h"
#include "core/ports/rule_version_store.h"

namespace setia::adapters::postgres {

// rule_versions (migration 0022). A store's writes are serialized by a
// transaction-scoped advisory lock on the store, so that "the newest is
// still `base`" and the insert are one step.
class PgRuleVersionStore final : public core::RuleVersionStore {
 public:
  explicit PgRuleVersionStore(PgSession& session) : session_(session) {}

  // core::RuleVersionStore
  std::expected<core::RuleVersion, core::WriteFailure<core::StaleBase>> save(
      const core::NewRuleVersion& v, int base, const std::optional<core::NewRuleVersion>& file_text) override;
  std::expected<std::optional<core::RuleVersion>, core::StoreError> record_file(const core::NewRuleVersion& v) override;
  std::expected<std::vector<core::RuleVersion>, core::StoreError> newest_of_every_store() override;
  std::expected<std::optional<core::RuleVersion>, core::StoreError> newest(const std::string& store_id) override;
  std::expected<core::Page<core::RuleVersion>, core::StoreError> list(const std::string& store_id,
                                                                      const core::PageRequest& page) override;
  std::expected<std::optional<core::RuleVersion>, core::StoreError> get(const std::string& store_id,
                                                                        int version) override;

 private:
  PgSession& session_;
};

}  // namespace setia::adapters::postgres
