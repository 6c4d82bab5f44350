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

// One entry of a store's reward catalog as a member sees it now.
struct RewardOffer {
  std::string id;
  std::string title;
  domain::Points cost = 0;
  std::optional<std::int64_t> stock;      // none: unlimited
  std::optional<std::int64_t> remaining;  // stock less the vouchers given; none: unlimited
  std::optional<std::string> available_from, available_until;  // YYYY-MM-DD, store-local, inclusive
  domain::VoucherTerms voucher;
};

// The reward catalog: points exchanged for a voucher (rule file `rewards`).
class Rewards {
 public:
  // `random` returns uniformly random 64-bit values (voucher codes).
  Rewards(OfferStore& offers, MemberStore& members, RulesSource rules, const Clock& clock,
          std::function<std::uint64_t()> random)
      : offers_(offers), members_(members), rules_(std::move(rules)), clock_(clock), random_(std::move(random)) {}

  // The rewards of `store_id` whose dates hold now, in file order, sold-out
  // ones included (remaining 0) so that the app can show them as such.
  std::expected<std::vector<RewardOffer>, ServiceError> list(const std::string& store_id);

  // Spends the reward's cost from the member's points and gives its voucher,
  // in one transaction. Refusals (ServiceError::reason): no_such_member,
  // no_such_reward (not_found); not_available, insufficient_points
  // (rule_says_no); out_of_stock (conflict).
  std::expected<domain::Voucher, ServiceError> redeem(const std::string& member_code, const std::string& reward_id);

 private:
  OfferStore& offers_;
  MemberStore& members_;
  RulesSource rules_;
  const Clock& clock_;
  std::function<std::uint64_t()> random_;
};

}  // namespace setia::core
