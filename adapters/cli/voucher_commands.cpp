// setiactl voucher issue|show|void: the Vouchers service over the
// PostgreSQL store.
#include <cstdio>
#include <memory>

#include "adapters/cli/commands.h"
#include "adapters/postgres/pg_voucher_store.h"
#include "core/domain/voucher_terms_json.h"
#include "core/services/vouchers.h"

namespace setia::cli {
namespace {

struct VoucherOptions {
  std::string store, code;
  std::optional<std::string> member, free_category, free_sku, title;
  std::optional<domain::Money> amount_off, max_off, min_spend;
  std::optional<int> percent_off, valid_days;
  long long free_qty = 1;
};

nlohmann::json voucher_json(const domain::Voucher& v) {
  nlohmann::json j = {{"code", v.code},
                      {"store", v.store_id},
                      {"title", v.title},
                      {"min_spend", v.terms.min_spend},
                      {"valid_from", v.valid_from},
                      {"valid_until", v.valid_until},
                      {"status", v.status},
                      {"source", v.source},
                      {"member", or_null(v.member_code)}};
  if (auto* p = std::get_if<domain::PercentOff>(&v.terms.benefit)) {
    j["percent_off"] = p->percent;
    if (p->max_off) j["max_off"] = *p->max_off;
  } else if (auto* a = std::get_if<domain::AmountOff>(&v.terms.benefit)) {
    j["amount_off"] = a->amount;
  } else if (auto* f = std::get_if<domain::FreeItem>(&v.terms.benefit)) {
    j["free_item"] = {{"category", f->category}, {"sku", f->sku}, {"qty", f->qty}};
  }
  if (v.redeemed_receipt) j["redeemed_receipt"] = *v.redeemed_receipt;
  if (v.discount) j["discount"] = *v.discount;
  // The terms in their one shape (core/domain/voucher_terms_json.h), beside
  // the keys above that older scripts read; an issued voucher has dates,
  // not valid_days.
  nlohmann::json terms = v.terms;
  terms.erase("valid_days");
  for (auto& [key, value] : terms.items()) {
    if (!j.contains(key)) j[key] = value;
  }
  return j;
}

std::string default_title(const domain::VoucherTerms& t) {
  if (auto* p = std::get_if<domain::PercentOff>(&t.benefit)) return "Diskon " + std::to_string(p->percent) + "%";
  if (auto* a = std::get_if<domain::AmountOff>(&t.benefit)) return "Potongan Rp " + std::to_string(a->amount);
  return "Gratis 1 item";
}

int voucher_issue(Context& ctx, const VoucherOptions& a) {
  core::NewVoucher v;
  v.store_id = a.store;
  v.member_code = a.member;
  if (a.amount_off) v.terms.benefit = domain::AmountOff{.amount = *a.amount_off};
  if (a.percent_off) v.terms.benefit = domain::PercentOff{.percent = *a.percent_off, .max_off = a.max_off};
  if (a.free_category || a.free_sku) {
    v.terms.benefit =
        domain::FreeItem{.category = a.free_category.value_or(""), .sku = a.free_sku.value_or(""), .qty = a.free_qty};
  }
  if (a.min_spend) v.terms.min_spend = *a.min_spend;
  if (a.valid_days) v.terms.valid_days = *a.valid_days;
  v.title = a.title.value_or("");
  if (v.title.empty()) v.title = default_title(v.terms);
  adapters::postgres::PgVoucherStore store(ctx.conninfo("voucher issue"));
  core::Vouchers vouchers(store, random64);
  auto issued = vouchers.issue(v);
  if (!issued) return fail(issued.error().message);
  std::printf("%s\n", issued->code.c_str());
  return 0;
}

int voucher_show(Context& ctx, const std::string& code) {
  adapters::postgres::PgVoucherStore store(ctx.conninfo("voucher show"));
  core::Vouchers vouchers(store, random64);
  auto v = vouchers.find(code);
  if (!v) return fail(v.error().message);
  if (!*v) return fail("no voucher " + code);
  std::printf("%s\n", voucher_json(**v).dump(2).c_str());
  return 0;
}

int voucher_void(Context& ctx, const std::string& code) {
  adapters::postgres::PgVoucherStore store(ctx.conninfo("voucher void"));
  core::Vouchers vouchers(store, random64);
  auto r = vouchers.void_voucher(code);
  if (!r) return fail(r.error().message);
  std::printf("voucher %s is void\n", code.c_str());
  return 0;
}

}  // namespace

void add_voucher_commands(CLI::App& app, Context& ctx) {
  auto* voucher = app.add_subcommand("voucher", "vouchers (QR codes a POS redeems)")->require_subcommand(1);
  auto o = std::make_shared<VoucherOptions>();
  auto* issue = voucher->add_subcommand("issue", "a new voucher; prints its code alone on stdout");
  issue->add_option("--store", o->store, "the store that honours it")->required();
  issue->add_option("--member", o->member, "only this member may use it");
  auto* amount = issue->add_option("--amount-off", o->amount_off, "rupiah off the bill")->check(CLI::PositiveNumber);
  auto* percent = issue->add_option("--percent-off", o->percent_off, "percent off the bill")->check(CLI::Range(1, 100));
  issue->add_option("--max-off", o->max_off, "at most this many rupiah off (with --percent-off)")
      ->check(CLI::PositiveNumber)
      ->needs(percent);
  auto* category = issue->add_option("--free-category", o->free_category, "one item of this category free");
  auto* sku = issue->add_option("--free-sku", o->free_sku, "this item free");
  issue->add_option("--free-qty", o->free_qty, "how many of the free item")
      ->check(CLI::Range(1LL, 100LL))
      ->capture_default_str();
  issue->add_option("--min-spend", o->min_spend, "the bill must reach this many rupiah")->check(CLI::NonNegativeNumber);
  issue->add_option("--valid-days", o->valid_days, "days it stays valid")->check(CLI::Range(1, 3650));
  issue->add_option("--title", o->title, "what the member sees (default: from the benefit)");
  // Exactly one benefit.
  amount->excludes(percent)->excludes(category)->excludes(sku);
  percent->excludes(category)->excludes(sku);
  category->excludes(sku);
  issue->callback([&ctx, o, amount, percent, category, sku] {
    if (amount->count() + percent->count() + category->count() + sku->count() == 0) {
      ctx.exit_code = fail("give exactly one of --amount-off, --percent-off, --free-category, --free-sku", 2);
      return;
    }
    ctx.exit_code = voucher_issue(ctx, *o);
  });
  auto* show = voucher->add_subcommand("show", "the voucher as JSON (status: active, redeemed, expired, void)");
  show->add_option("code", o->code, "the voucher's code")->required();
  show->callback([&ctx, o] { ctx.exit_code = voucher_show(ctx, o->code); });
  auto* void_cmd = voucher->add_subcommand("void", "an active voucher can no longer be used");
  void_cmd->add_option("code", o->code, "the voucher's code")->required();
  void_cmd->callback([&ctx, o] { ctx.exit_code = voucher_void(ctx, o->code); });
}

}  // namespace setia::cli
