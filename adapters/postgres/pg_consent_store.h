#pragma once

#include <nlohmann/json.hpp>

#include "adapters/postgres/pg_session.h"
#include "core/ports/consent_store.h"

namespace setia::adapters::postgres {

// core::ConsentStore over migrations/0019_privacy.sql (consents,
// setia_record_consent). Works on a session it is given (one per worker
// thread, or setiactl's).
class PgConsentStore final : public core::ConsentStore {
 public:
  explicit PgConsentStore(PgSession& session) : session_(session) {}

  // core::ConsentStore
  std::expected<std::vector<core::ConsentRecord>, core::StoreError> consents(const std::string& store_id,
                                                                             long long member_id) override;
  std::expected<bool, core::StoreError> record_consents(const std::string& store_id, long long member_id,
                                                        const std::vector<core::ConsentChange>& changes,
                                                        const core::ConsentContext& context) override;

 private:
  PgSession& session_;
};

// The consent columns (consents c) for json_rows, and their reading;
// shared with PgMemberDataStore.
extern const char* const kConsentColumns;
core::ConsentRecord consent_from_json(const nlohmann::json& row);

}  // namespace setia::adapters::postgres
