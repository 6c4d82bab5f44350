// What a rule file gives away: voucher terms, the reward catalog, promos,
// the birthday gift.
#include "rules/rule_reader.h"

namespace setia::rules {
namespace {

constexpr std::int64_t kMaxMoney = 1'000'000'000'000;  // Rp 1 trillion: far past any café, far from overflow
constexpr std::size_t kMaxOffers = 200;
constexpr std::size_t kMaxTitleChars = 100;
constexpr std::size_t kMaxMessageChars = 500;
constexpr std::size_t kMaxNameChars = 100;

}  // namespace

std::optional<domain::VoucherTerms> RuleReader::voucher(const YAML::Node& n, const std::string& what) {
  if (!keys(n, what, {"percent_off", "max_off", "amount_off", "free_item", "min_spend", "valid_days", "title"})) {
    return std::nullopt;
  }
  const int benefits = int{static_cast<bool>(n["percent_off"])} + int{static_cast<bool>(n["amount_off"])} +
                       int{static_cast<bool>(n["free_item"])};
  if (benefits != 1) {
    error(n, what + (benefits == 0 ? " needs" : " has more than one benefit; give") +
                 " exactly one of percent_off, amount_off, free_item");
    return std::nullopt;
  }
  domain::VoucherTerms t;
  if (n["percent_off"]) {
    domain::PercentOff p;
    if (auto v = integer(n["percent_off"], what + ".percent_off", 1, 100)) p.percent = static_cast<int>(*v);
    if (n["max_off"]) p.max_off = integer(n["max_off"], what + ".max_off", 1, kMaxMoney);
    t.benefit = p;
  } else if (n["max_off"]) {
    error(n["max_off"], what + ".max_off caps a percent_off; it has no meaning here");
  }
  if (n["amount_off"]) {
    domain::AmountOff a;
    if (auto v = integer(n["amount_off"], what + ".amount_off", 1, kMaxMoney)) a.amount = *v;
    t.benefit = a;
  }
  if (const auto f = n["free_item"]) {
    domain::FreeItem item;
    const std::string fw = what + ".free_item";
    if (keys(f, fw, {"category", "sku", "qty"})) {
      if (f["category"].IsDefined() == f["sku"].IsDefined()) {
        error(f, fw + " needs exactly one of category, sku");
      }
      for (auto [key, out] : {std::pair{"category", &item.category}, std::pair{"sku", &item.sku}}) {
        if (!f[key]) continue;
        if (auto s = text(f[key], fw + "." + key, kMaxNameChars)) {
          if (s->empty())
            error(f[key], fw + "." + key + " must not be empty");
          else
            *out = *s;
        }
      }
      if (f["qty"]) {
        if (auto v = integer(f["qty"], fw + ".qty", 1, 100)) item.qty = *v;
      }
    }
    t.benefit = item;
  }
  if (n["min_spend"]) {
    if (auto v = integer(n["min_spend"], what + ".min_spend", 0, kMaxMoney)) t.min_spend = *v;
  }
  if (n["valid_days"]) {
    if (auto v = integer(n["valid_days"], what + ".valid_days", 1, 3650)) t.valid_days = static_cast<int>(*v);
  }
  if (n["title"]) {
    if (auto s = text(n["title"], what + ".title", kMaxTitleChars)) t.title = *s;
  }
  return t;
}

void RuleReader::rewards(const YAML::Node& n, std::vector<Reward>& out) {
  if (!n.IsSequence() || n.size() > kMaxOffers) {
    error(n, "rewards must be a list of at most " + std::to_string(kMaxOffers) + " rewards");
    return;
  }
  std::size_t i = 0;
  for (const auto& r : n) {
    const std::string what = "rewards[" + std::to_string(i++) + "]";
    if (!keys(r, what, {"id", "title", "cost", "stock", "available_from", "available_until", "voucher"})) continue;
    Reward reward;
    if (require(r, "id", what, "a unique id, e.g. free-smoothie")) {
      if (auto s = id(r["id"], what + ".id")) {
        reward.id = *s;
        claim_id(r["id"], reward.id, "reward");
      }
    }
    if (require(r, "title", what, "what the app shows")) {
      if (auto s = text(r["title"], what + ".title", kMaxTitleChars)) reward.title = *s;
    }
    if (require(r, "cost", what, "points it costs, e.g. 100")) {
      if (auto v = integer(r["cost"], what + ".cost", 1, 1'000'000'000)) reward.cost = *v;
    }
    if (r["stock"]) reward.stock = integer(r["stock"], what + ".stock", 0, 1'000'000'000);
    if (r["available_from"]) reward.available_from = date(r["available_from"], what + ".available_from");
    if (r["available_until"]) reward.available_until = date(r["available_until"], what + ".available_until");
    date_order(r["available_until"], reward.available_from, reward.available_until, what);
    if (require(r, "voucher", what, "the voucher it gives")) {
      if (auto t = voucher(r["voucher"], what + ".voucher")) reward.voucher = std::move(*t);
    }
    out.push_back(std::move(reward));
  }
}

void RuleReader::promos(const YAML::Node& n, std::vector<Promo>& out) {
  if (!n.IsSequence() || n.size() > kMaxOffers) {
    error(n, "promos must be a list of at most " + std::to_string(kMaxOffers) + " promos");
    return;
  }
  std::size_t i = 0;
  for (const auto& p : n) {
    const std::string what = "promos[" + std::to_string(i++) + "]";
    if (!keys(p, what, {"id", "title", "audience", "from", "until", "claim", "voucher", "announce", "announce_at"}))
      continue;
    Promo promo;
    if (require(p, "id", what, "a unique id, e.g. cakalang-10")) {
      if (auto s = id(p["id"], what + ".id")) {
        promo.id = *s;
        claim_id(p["id"], promo.id, "promo");
      }
    }
    if (require(p, "title", what, "what the app shows")) {
      if (auto s = text(p["title"], what + ".title", kMaxTitleChars)) promo.title = *s;
    }
    if (p["audience"]) {
      if (auto s = string(p["audience"], what + ".audience")) {
        constexpr std::string_view kSegment = "segment:";
        if (*s == "members") {
          promo.audience = {Audience::Kind::members, ""};
        } else if (*s == "everyone") {
          promo.audience = {Audience::Kind::everyone, ""};
        } else if (s->starts_with(kSegment) && is_rule_id(std::string_view(*s).substr(kSegment.size()))) {
          promo.audience = {Audience::Kind::segment, s->substr(kSegment.size())};
        } else {
          error(
              p["audience"],
              what + ".audience must be members, everyone or segment:<name> (a name of [a-z0-9_-]), got '" + *s + "'");
        }
      }
    }
    std::optional<LocalDate> from, until;
    if (require(p, "from", what, "its first day, YYYY-MM-DD")) from = date(p["from"], what + ".from");
    if (require(p, "until", what, "its last day, YYYY-MM-DD")) until = date(p["until"], what + ".until");
    date_order(p["until"], from, until, what);
    promo.from = from.value_or(LocalDate{});
    promo.until = until.value_or(LocalDate{});
    if (const auto c = p["claim"]) {
      if (keys(c, what + ".claim", {"per_member", "total"})) {
        if (c["per_member"]) {
          if (auto v = integer(c["per_member"], what + ".claim.per_member", 1, 1000))
            promo.per_member = static_cast<int>(*v);
        }
        if (c["total"]) promo.total = integer(c["total"], what + ".claim.total", 1, 1'000'000'000);
      }
    }
    if (require(p, "voucher", what, "the voucher a claim gives")) {
      if (auto t = voucher(p["voucher"], what + ".voucher")) promo.voucher = std::move(*t);
    }
    if (p["announce"]) promo.announce = boolean(p["announce"], what + ".announce").value_or(false);
    if (p["announce_at"]) {
      if (!promo.announce)
        error(p["announce_at"], what + ".announce_at needs announce: true");
      else if (auto m = clock(p["announce_at"], what + ".announce_at"))
        promo.announce_at = *m;
    }
    out.push_back(std::move(promo));
  }
}

std::optional<Birthday> RuleReader::birthday(const YAML::Node& n) {
  if (!keys(n, "birthday", {"send_at", "notice_days", "voucher", "message"})) return std::nullopt;
  Birthday b;
  if (n["send_at"]) {
    if (auto m = clock(n["send_at"], "birthday.send_at")) b.send_at = *m;
  }
  get(n, "notice_days", "birthday.notice_days", b.notice_days, 0, 366);
  if (require(n, "voucher", "birthday", "the gift")) {
    if (auto t = voucher(n["voucher"], "birthday.voucher")) b.voucher = std::move(*t);
  }
  if (require(n, "message", "birthday", "{id: \"...\", en: \"...\"}")) {
    const auto m = n["message"];
    if (keys(m, "birthday.message", {"id", "en"})) {
      for (auto [key, out] : {std::pair{"id", &b.message_id}, std::pair{"en", &b.message_en}}) {
        if (!m[key]) continue;
        const std::string what = std::string("birthday.message.") + key;
        auto s = text(m[key], what, kMaxMessageChars);
        if (!s) continue;
        placeholders(m[key], what, *s, {"name"});
        *out = *s;
      }
      if (!m["id"]) error(m, "birthday.message needs 'id' (the Indonesian text; 'en' is optional)");
    }
  }
  return b;
}

}  // namespace setia::rules
