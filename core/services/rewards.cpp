#include "core/services/rewards.h"

#include <algorithm>

#include "core/services/fresh_code.h"
#include "core/services/points.h"
#include "core/services/vouchers.h"
#include "rules/rewards.h"

namespace setia::core {
namespace {

using Kind = ServiceError::Kind;

std::string window_text(const rules::Reward& r) {
  std::string from = r.available_from ? r.available_from->to_string() : "the start";
  std::string until = r.available_until ? r.available_until->to_string() : "no end";
  return from + " to " + until;
}

}  // namespace

std::expected<std::vector<RewardOffer>, ServiceError> Rewards::list(const std::string& store_id) {
  auto book = rules_();
  const rules::RuleSet* rs = book ? book->for_store(store_id) : nullptr;
  std::vector<RewardOffer> out;
  if (!rs || rs->rewards.empty()) return out;
  auto counts = offers_.reward_counts(store_id);
  if (!counts) return fail(Kind::unavailable, counts.error().message);
  const std::int64_t now = unix_seconds(clock_.now());
  for (const auto& r : rs->rewards) {
    if (!rules::reward_available(*rs, r, now)) continue;  // outside its dates
    RewardOffer o{.id = r.id,
                  .title = r.title,
                  .cost = r.cost,
                  .stock = r.stock,
                  .remaining = {},
                  .available_from = {},
                  .available_until = {},
                  .voucher = r.voucher};
    if (r.stock) {
      auto it = counts->taken.find(r.id);
      std::int64_t taken = it == counts->taken.end() ? 0 : it->second;
      o.remaining = std::max<std::int64_t>(*r.stock - taken, 0);
    }
    if (r.available_from) o.available_from = r.available_from->to_string();
    if (r.available_until) o.available_until = r.available_until->to_string();
    out.push_back(std::move(o));
  }
  return out;
}

std::expected<domain::Voucher, ServiceError> Rewards::redeem(const std::string& member_code,
                                                             const std::string& reward_id) {
  auto member = members_.find_by_code(member_code);
  if (!member) return fail(Kind::unavailable, member.error().message);
  if (!*member) return fail(Kind::not_found, "no member " + member_code, "no_such_member");
  const std::string& store = (*member)->store_id;
  auto book = rules_();
  const rules::RuleSet* rs = book ? book->for_store(store) : nullptr;
  const rules::Reward* reward = rs ? rs->reward(reward_id) : nullptr;
  if (!reward) return fail(Kind::not_found, "store " + store + " has no reward " + reward_id, "no_such_reward");
  const std::int64_t now = unix_seconds(clock_.now());
  if (!rules::reward_available(*rs, *reward, now)) {
    return fail(Kind::rule_says_no, "reward " + reward_id + " can be redeemed from " + window_text(*reward),
                "not_available");
  }
  RedeemCommand cmd{.store_id = store,
                    .member_code = member_code,
                    .reward_id = reward_id,
                    .cost = reward->cost,
                    .stock = reward->stock,
                    .voucher = {.code = {},
                                .title = reward->voucher.title.empty() ? reward->title : reward->voucher.title,
                                .terms = reward->voucher},
                    .now = now};
  using Answer = std::optional<std::expected<domain::Voucher, ServiceError>>;
  return with_fresh_code<domain::Voucher>(
      [&] { return make_voucher_code(random_()); },
      [&](const std::string& code) -> Answer {
        cmd.voucher.code = code;
        auto r = offers_.redeem(cmd);
        if (!r) return fail(Kind::unavailable, r.error().message);
        switch (r->status) {
          case OfferOutcome::Status::issued: return std::move(r->voucher);
          case OfferOutcome::Status::code_taken: return std::nullopt;
          case OfferOutcome::Status::no_such_member:
            return fail(Kind::not_found, "no member " + member_code + " in store " + store, "no_such_member");
          case OfferOutcome::Status::insufficient_points:
            return fail(Kind::rule_says_no,
                        "reward " + reward_id + " costs " + std::to_string(reward->cost) + " points; the balance is " +
                            std::to_string(r->balance),
                        "insufficient_points");
          case OfferOutcome::Status::out_of_stock:
            return fail(Kind::conflict,
                        "reward " + reward_id + " is out of stock (all " + std::to_string(reward->stock.value_or(0)) +
                            " given)",
                        "out_of_stock");
          case OfferOutcome::Status::already_claimed:
          case OfferOutcome::Status::sold_out: break;  // promo outcomes: never for a reward
        }
        return fail(Kind::unavailable, "unexpected answer from the store for reward " + reward_id);
      },
      "voucher code");
}

}  // namespace setia::core
