#include "core/services/promos.h"

#include <algorithm>

#include "core/services/fresh_code.h"
#include "core/services/points.h"
#include "core/services/vouchers.h"
#include "rules/promos.h"

namespace setia::core {
namespace {

using Kind = ServiceError::Kind;

std::string audience_text(const rules::Audience& a) {
  switch (a.kind) {
    case rules::Audience::Kind::members: return "members";
    case rules::Audience::Kind::everyone: return "everyone";
    case rules::Audience::Kind::segment: return "segment:" + a.segment;
  }
  return "members";
}

}  // namespace

bool audience_admits_members(const rules::Audience& audience) {
  // segment:<name> is not matched yet: no member is in any segment (promos.h).
  return audience.kind == rules::Audience::Kind::members || audience.kind == rules::Audience::Kind::everyone;
}

std::expected<std::vector<PromoOffer>, ServiceError> Promos::active(const std::string& store_id,
                                                                    const std::string& member_code) {
  auto book = rules_();
  const rules::RuleSet* rs = book ? book->for_store(store_id) : nullptr;
  std::vector<PromoOffer> out;
  if (!rs) return out;
  auto running = rules::active_promos(*rs, unix_seconds(clock_.now()));
  if (!member_code.empty()) {
    std::erase_if(running, [](const rules::Promo* p) { return !audience_admits_members(p->audience); });
  }
  if (running.empty()) return out;
  auto counts = offers_.promo_counts(store_id, member_code);
  if (!counts) return fail(Kind::unavailable, counts.error().message);
  for (const rules::Promo* p : running) {
    PromoOffer o{.id = p->id,
                 .title = p->title,
                 .audience = audience_text(p->audience),
                 .from = p->from.to_string(),
                 .until = p->until.to_string(),
                 .per_member = p->per_member,
                 .total = p->total,
                 .remaining = {},
                 .claimed_by_member = {},
                 .voucher = p->voucher};
    if (p->total) {
      auto it = counts->taken.find(p->id);
      o.remaining = std::max<std::int64_t>(*p->total - (it == counts->taken.end() ? 0 : it->second), 0);
    }
    if (!member_code.empty()) {
      auto it = counts->by_member.find(p->id);
      o.claimed_by_member = it == counts->by_member.end() ? 0 : it->second;
    }
    out.push_back(std::move(o));
  }
  return out;
}

std::expected<std::vector<PromoOffer>, ServiceError> Promos::active_for_store(const std::string& store_id) {
  return active(store_id, "");
}

std::expected<std::vector<PromoOffer>, ServiceError> Promos::active_for_member(const std::string& member_code) {
  auto member = members_.find_by_code(member_code);
  if (!member) return fail(Kind::unavailable, member.error().message);
  if (!*member) return fail(Kind::not_found, "no member " + member_code, "no_such_member");
  return active((*member)->store_id, member_code);
}

std::expected<domain::Voucher, ServiceError> Promos::claim(const std::string& member_code,
                                                           const std::string& promo_id) {
  auto member = members_.find_by_code(member_code);
  if (!member) return fail(Kind::unavailable, member.error().message);
  if (!*member) return fail(Kind::not_found, "no member " + member_code, "no_such_member");
  const std::string& store = (*member)->store_id;
  auto book = rules_();
  const rules::RuleSet* rs = book ? book->for_store(store) : nullptr;
  const rules::Promo* promo = rs ? rs->promo(promo_id) : nullptr;
  if (!promo) return fail(Kind::not_found, "store " + store + " has no promo " + promo_id, "no_such_promo");
  const std::int64_t now = unix_seconds(clock_.now());
  auto running = rules::active_promos(*rs, now);
  if (std::find(running.begin(), running.end(), promo) == running.end()) {
    return fail(Kind::rule_says_no,
                "promo " + promo_id + " runs from " + promo->from.to_string() + " to " + promo->until.to_string(),
                "not_active");
  }
  if (!audience_admits_members(promo->audience)) {
    return fail(Kind::rule_says_no, "promo " + promo_id + " is for " + audience_text(promo->audience),
                "not_in_audience");
  }
  ClaimCommand cmd{.store_id = store,
                   .member_code = member_code,
                   .promo_id = promo_id,
                   .per_member = promo->per_member,
                   .total = promo->total,
                   .voucher = {.code = {},
                               .title = promo->voucher.title.empty() ? promo->title : promo->voucher.title,
                               .terms = promo->voucher},
                   .now = now};
  using Answer = std::optional<std::expected<domain::Voucher, ServiceError>>;
  return with_fresh_code<domain::Voucher>(
      [&] { return make_voucher_code(random_()); },
      [&](const std::string& code) -> Answer {
        cmd.voucher.code = code;
        auto r = offers_.claim(cmd);
        if (!r) return fail(Kind::unavailable, r.error().message);
        switch (r->status) {
          case OfferOutcome::Status::issued: return std::move(r->voucher);
          case OfferOutcome::Status::code_taken: return std::nullopt;
          case OfferOutcome::Status::no_such_member:
            return fail(Kind::not_found, "no member " + member_code + " in store " + store, "no_such_member");
          case OfferOutcome::Status::already_claimed:
            return fail(Kind::conflict,
                        "member " + member_code + " has claimed promo " + promo_id + " already (" +
                            std::to_string(promo->per_member) + " per member)",
                        "already_claimed");
          case OfferOutcome::Status::sold_out:
            return fail(
                Kind::conflict,
                "promo " + promo_id + " is sold out (all " + std::to_string(promo->total.value_or(0)) + " claimed)",
                "sold_out");
          case OfferOutcome::Status::insufficient_points:
          case OfferOutcome::Status::out_of_stock: break;  // reward outcomes: never for a promo
        }
        return fail(Kind::unavailable, "unexpected answer from the store for promo " + promo_id);
      },
      "voucher code");
}

}  // namespace setia::core
