#include "core/services/vouchers.h"

#include "core/domain/store_id.h"
#include "core/services/fresh_code.h"

namespace setia::core {

namespace {
constexpr std::string_view kAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
using Kind = ServiceError::Kind;
}  // namespace

std::string make_voucher_code(std::uint64_t random) {
  std::string code = "V";
  for (int i = 0; i < 12; ++i) {
    if (i % 4 == 0) code.push_back('-');
    code.push_back(kAlphabet[random & 31]);
    random >>= 5;
  }
  return code;
}

std::optional<std::string> terms_problem(const domain::VoucherTerms& t) {
  if (auto* p = std::get_if<domain::PercentOff>(&t.benefit)) {
    if (p->percent < 1 || p->percent > 100) return "percent off must be 1 to 100";
    if (p->max_off && *p->max_off < 1) return "max off must be at least Rp 1";
  } else if (auto* a = std::get_if<domain::AmountOff>(&t.benefit)) {
    if (a->amount < 1) return "amount off must be at least Rp 1";
  } else if (auto* f = std::get_if<domain::FreeItem>(&t.benefit)) {
    if (f->category.empty() == f->sku.empty()) return "a free item names exactly one of a category or a sku";
    if (f->qty < 1) return "free item quantity must be at least 1";
  }
  if (t.min_spend < 0) return "minimum spend must not be negative";
  if (t.valid_days < 1 || t.valid_days > 3650) return "valid days must be 1 to 3650";
  return std::nullopt;
}

std::expected<domain::Voucher, ServiceError> Vouchers::issue(NewVoucher v) {
  if (!domain::is_valid_store_id(v.store_id)) {
    return std::unexpected(ServiceError{Kind::invalid, "store must match [a-z0-9][a-z0-9-]{0,62}"});
  }
  if (auto problem = terms_problem(v.terms)) return std::unexpected(ServiceError{Kind::invalid, *problem});
  if (v.title.empty()) v.title = v.terms.title;
  if (v.title.empty() || v.title.size() > 100) {
    return std::unexpected(ServiceError{Kind::invalid, "title must be 1 to 100 characters"});
  }
  using Answer = std::optional<std::expected<domain::Voucher, ServiceError>>;
  return with_fresh_code<domain::Voucher>(
      [&] { return make_voucher_code(random_()); },
      [&](const std::string& code) -> Answer {
        v.code = code;
        auto r = store_.insert(v);
        if (r) return *r;
        if (auto* e = r.error().store_error()) return fail(Kind::unavailable, e->message);
        if (*r.error().refusal() == VoucherStore::InsertError::no_such_member) {
          return fail(Kind::invalid, "no member " + v.member_code.value_or("") + " in store " + v.store_id);
        }
        return std::nullopt;  // the code is taken
      },
      "voucher code");
}

std::expected<std::optional<domain::Voucher>, ServiceError> Vouchers::find(const std::string& code) {
  auto r = store_.find(code);
  if (!r) return std::unexpected(ServiceError{Kind::unavailable, r.error().message});
  return *r;
}

std::expected<void, ServiceError> Vouchers::void_voucher(const std::string& code) {
  auto r = store_.void_voucher(code);
  if (!r) return std::unexpected(ServiceError{Kind::unavailable, r.error().message});
  if (!*r)
    return std::unexpected(
        ServiceError{Kind::conflict, "voucher " + code + " is not active (unknown, redeemed or void)"});
  return {};
}

}  // namespace setia::core
