#pragma once

#include <cstdint>
#include <expected>
#include <map>
#include <optional>
#include <string>

#include "core/domain/voucher.h"
#include "core/ports/store_error.h"

namespace setia::core {

// A voucher the store is to issue for a reward or a promo: its code (made
// by core::make_voucher_code), title and terms from the rule file.
struct OfferVoucher {
  std::string code;
  std::string title;
  domain::VoucherTerms terms;
};

// Points for a reward's voucher.
struct RedeemCommand {
  std::string store_id;
  std::string member_code;
  std::string reward_id;
  domain::Points cost = 0;
  std::optional<std::int64_t> stock;  // none: unlimited
  OfferVoucher voucher;
  std::int64_t now = 0;               // unix seconds: the voucher is valid from then
};

// A promo's voucher for a member.
struct ClaimCommand {
  std::string store_id;
  std::string member_code;
  std::string promo_id;
  int per_member = 1;
  std::optional<std::int64_t> total;  // none: unlimited
  OfferVoucher voucher;
  std::int64_t now = 0;
};

// What the store decided: the voucher issued, or why not.
struct OfferOutcome {
  // no_such_member: not a member of that store; insufficient_points,
  // out_of_stock: a reward; already_claimed, sold_out: a promo;
  // code_taken: the voucher code exists (try another; nothing was written).
  enum class Status {
    issued,
    no_such_member,
    insufficient_points,
    out_of_stock,
    already_claimed,
    sold_out,
    code_taken
  };
  Status status = Status::issued;
  domain::Voucher voucher;          // when issued
  domain::Points balance = 0;       // a reward: the balance after (or the short one)
};

// How much of each offer is taken, for the catalog.
struct OfferCounts {
  std::map<std::string, std::int64_t, std::less<>> taken;      // by reward or promo id: in the store
  std::map<std::string, std::int64_t, std::less<>> by_member;  // promos: claims of the member asked about
};

// Rewards and promos: the offers that turn into a member's voucher. Each
// redeem or claim is one transaction that holds under concurrency (the
// member row locked, conditional counter updates). One per thread.
class OfferStore {
 public:
  virtual ~OfferStore() = default;
  virtual std::expected<OfferOutcome, StoreError> redeem(const RedeemCommand& cmd) = 0;
  virtual std::expected<OfferOutcome, StoreError> claim(const ClaimCommand& cmd) = 0;
  virtual std::expected<OfferCounts, StoreError> reward_counts(const std::string& store_id) = 0;
  // `member_code` empty: only the store's totals.
  virtual std::expected<OfferCounts, StoreError> promo_counts(const std::string& store_id,
                                                              const std::string& member_code) = 0;
};

}  // namespace setia::core
