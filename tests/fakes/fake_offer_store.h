#pragma once

#include <deque>
#include <map>
#include <set>
#include <string>
#include <vector>
#include "core/ports/offer_store.h"

namespace setia::core::fakes {

// Answers each redeem / claim with the next scripted status (issued when
// the script is empty) and remembers what it was asked.
class FakeOffers final : public OfferStore {
 public:
  std::deque<OfferOutcome::Status> script;
  std::vector<RedeemCommand> redeems;
  std::vector<ClaimCommand> claims;
  OfferCounts counts;
  bool down = false;

  std::expected<OfferOutcome, StoreError> redeem(const RedeemCommand& cmd) override {
    redeems.push_back(cmd);
    return answer(cmd.voucher, cmd.store_id, cmd.member_code);
  }
  std::expected<OfferOutcome, StoreError> claim(const ClaimCommand& cmd) override {
    claims.push_back(cmd);
    return answer(cmd.voucher, cmd.store_id, cmd.member_code);
  }
  std::expected<OfferCounts, StoreError> reward_counts(const std::string&) override { return counts; }
  std::expected<OfferCounts, StoreError> promo_counts(const std::string&, const std::string& member) override {
    OfferCounts c = counts;
    if (member.empty()) c.by_member.clear();
    return c;
  }

 private:
  std::expected<OfferOutcome, StoreError> answer(const OfferVoucher& v, const std::string& store,
                                                 const std::string& member) {
    if (down) return std::unexpected(StoreError{StoreError::Kind::transient, "connection refused"});
    OfferOutcome o;
    if (!script.empty()) {
      o.status = script.front();
      script.pop_front();
    }
    o.voucher.code = v.code;
    o.voucher.store_id = store;
    o.voucher.member_code = member;
    o.voucher.title = v.title;
    o.voucher.terms = v.terms;
    o.balance = 42;
    return o;
  }
};

}  // namespace setia::core::fakes
