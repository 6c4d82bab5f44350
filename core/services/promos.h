#pragma once

#include <cstdint>
#include <expected>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/domain/voucher.h"
#include "core/ports/clock.h"
#include "core/ports/member_store.h"
#include "core/ports/offer_store.h"
#include "core/services/rules_source.h"
#include "core/services/service_error.h"

namespace setia::core {

// A running promo ("TODAY PROMO") as the app shows it.
struct PromoOffer {
  std::string id;
  std::string title;
  std::string audience;                   // members | everyone | segment:<name>
  std::string from, until;                // YYYY-MM-DD, store-local, inclusive
  int per_member = 1;
  std::optional<std::int64_t> total;      // none: unlimited
  std::optional<std::int64_t> remaining;  // total less the claims; none: unlimited
  std::optional<std::int64_t> claimed_by_member;  // when listed for a member
  domain::VoucherTerms voucher;
};

// Whether a promo's audience takes in every member of its store. Segments
// (segment:<name>) have no definition yet (the customer reports will make
// them): until then no member is in one, so a segment promo is listed for
// the store but never for, nor claimable by, a member.
bool audience_admits_members(const rules::Audience& audience);

// Promos of the rule files: listed while they run, claimed for a voucher.
class Promos {
 public:
  Promos(OfferStore& offers, MemberStore& members, RulesSource rules, const Clock& clock,
         std::function<std::uint64_t()> random)
      : offers_(offers), members_(members), rules_(std::move(rules)), clock_(clock), random_(std::move(random)) {}

  // Every promo of `store_id` running now, whatever its audience (admins, setiactl).
  std::expected<std::vector<PromoOffer>, ServiceError> active_for_store(const std::string& store_id);
  // The running promos of the member's store that the member may claim,
  // with how often they did.
  std::expected<std::vector<PromoOffer>, ServiceError> active_for_member(const std::string& member_code);

  // Adds the promo's voucher to the member's vouchers. Refusals
  // (ServiceError::reason): no_such_member, no_such_promo (not_found);
  // not_active, not_in_audience (rule_says_no); already_claimed, sold_out
  // (conflict: HTTP 409 past the claim limit).
  std::expected<domain::Voucher, ServiceError> claim(const std::string& member_code, const std::string& promo_id);

 private:
  std::expected<std::vector<PromoOffer>, ServiceError> active(const std::string& store_id,
                                                              const std::string& member_code);
  OfferStore& offers_;
  MemberStore& members_;
  RulesSource rules_;
  const Clock& clock_;
  std::function<std::uint64_t()> random_;
};

}  // namespace setia::core
