#pragma once

#include "adapters/postgres/pg_session.h"
#include "core/ports/offer_store.h"

namespace setia::adapters::postgres {

// core::OfferStore over setia_redeem_reward and setia_claim_promo
// (migrations/0005): each redeem or claim is one statement in autocommit.
class PgOfferStore final : public core::OfferStore {
 public:
  explicit PgOfferStore(std::string conninfo) : session_(std::move(conninfo)) {}

  // core::OfferStore
  std::expected<core::OfferOutcome, core::StoreError> redeem(const core::RedeemCommand& cmd) override;
  std::expected<core::OfferOutcome, core::StoreError> claim(const core::ClaimCommand& cmd) override;
  std::expected<core::OfferCounts, core::StoreError> reward_counts(const std::string& store_id) override;
  std::expected<core::OfferCounts, core::StoreError> promo_counts(const std::string& store_id,
                                                                  const std::string& member_code) override;

 private:
  // Runs one offer statement: `call` returns its JSON answer. A serialization
  // failure or deadlock rolled the statement back, so it is tried again
  // ("Nothing is spent twice", docs/architecture.md); a taken voucher code is code_taken.
  std::expected<core::OfferOutcome, core::StoreError> run_offer(const core::OfferVoucher& voucher,
                                                                const std::string& store_id,
                                                                const std::string& member_code,
                                                                const std::string& source,
                                                                const std::function<std::string(soci::session&)>& call);
  PgSession session_;
};

}  // namespace setia::adapters::postgres
