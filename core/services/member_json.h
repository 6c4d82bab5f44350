#pragma once

// How a member's records look in JSON, the same wherever they appear: the
// REST API's resources (adapters/rest/views.cpp calls these) and the
// member's export (core/services/data_rights.h). Money is integer rupiah;
// times are RFC 3339 with the store's offset, from `book` (nullptr: UTC).

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/ports/consent_store.h"
#include "core/ports/member_data_store.h"
#include "core/ports/member_history.h"
#include "core/ports/points_store.h"
#include "core/ports/profile_store.h"
#include "core/ports/reservation_store.h"
#include "core/services/consents.h"
#include "rules/rule_set.h"

namespace setia::core {

// `at` (unix seconds) as the store's clock shows it.
std::string time_in_store(std::int64_t at, const std::string& store_id, const rules::RuleBook* book);

nlohmann::json profile_json(const Profile& p, const rules::RuleBook* book);
nlohmann::json voucher_json(const VoucherRow& v, const rules::RuleBook* book);
nlohmann::json transaction_summary_json(const TransactionSummary& t, const rules::RuleBook* book);
// `html_url`: the e-nota page's link.
nlohmann::json transaction_json(const Transaction& t, const rules::RuleBook* book, const std::string& html_url);
// `at` and `expires_at` already in the store's time (PointsHistoryItem).
nlohmann::json points_entry_json(const PointsEntry& e, const std::string& at,
                                 const std::optional<std::string>& expires_at);
// With the texts the push carried (core/outbox/notification_texts).
nlohmann::json notification_json(const NotificationRow& n, const rules::RuleBook* book);
nlohmann::json reservation_json(const Reservation& r, const rules::RuleBook* book);
nlohmann::json consent_record_json(const ConsentRecord& c, const std::string& store_id, const rules::RuleBook* book);
// {"channels": {"push_promo": {granted, since, source, notice}}, "history": [newest first]}.
nlohmann::json consent_view_json(const ConsentView& v, const std::string& store_id, const rules::RuleBook* book);
// {"erasure": {...}, "already_erased": bool}: what an erasure did, without personal data.
nlohmann::json erasure_json(const ErasureRecord& e, const rules::RuleBook* book);

// The e-nota page of sale `sale_id` under `base_url`.
std::string enota_url(const std::string& base_url, long long sale_id);

}  // namespace setia::core
