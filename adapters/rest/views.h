#pragma once

#include <nlohmann/json.hpp>

#include "core/domain/voucher_terms_json.h"
#include "core/ports/dead_letter_store.h"
#include "core/ports/member_history.h"
#include "core/ports/profile_store.h"
#include "core/ports/report_queries.h"
#include "core/services/points.h"
#include "core/services/promos.h"
#include "core/services/rewards.h"

namespace setia::adapters::rest {

struct Call;

// How each resource looks in JSON: the same shape wherever it appears.
// Money is integer rupiah; times RFC 3339 with the store's offset.
nlohmann::json profile_json(const Call& call, const core::Profile& p);
nlohmann::json voucher_json(const Call& call, const core::VoucherRow& v);
nlohmann::json transaction_summary_json(const Call& call, const core::TransactionSummary& t);
nlohmann::json transaction_json(const Call& call, const core::Transaction& t, const std::string& html_path);
nlohmann::json points_entry_json(const core::PointsHistoryItem& item);
nlohmann::json points_expiring_json(const std::optional<core::PointsExpiring>& e);
nlohmann::json notification_json(const Call& call, const core::NotificationRow& n);
nlohmann::json dead_letter_json(const Call& call, const core::DeadLetterRow& d);
nlohmann::json reward_json(const core::RewardOffer& r);
nlohmann::json promo_json(const core::PromoOffer& p);
nlohmann::json customer_json(const Call& call, const core::CustomerRow& c, const std::string& store);

}  // namespace setia::adapters::rest
