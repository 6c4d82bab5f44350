// /v1/admin/reports/...: sales and customers of one store, in its time zone.
#include <charconv>
#include <cmath>

#include "adapters/rest/admin_scope.h"
#include "adapters/rest/http_errors.h"
#include "adapters/rest/json_body.h"
#include "adapters/rest/pagination.h"
#include "adapters/rest/rest_api.h"
#include "adapters/rest/views.h"

namespace setia::adapters::rest {
namespace {

using nlohmann::json;

std::string query_or(const Call& call, const std::string& key, const std::string& fallback) {
  auto it = call.query.find(key);
  return it == call.query.end() || it->second.empty() ? fallback : it->second;
}

// A share in percent with one decimal: a ratio, not money.
double percent(long long part, long long whole) {
  if (whole <= 0) return 0;
  return std::round(static_cast<double>(part) * 1000.0 / static_cast<double>(whole)) / 10.0;
}

// amount: what the tills took; refunded: what was given back in the
// period (on the refund's day); net_amount: the difference, which the
// members' share is a share of.
json period_json(const core::SalesPeriod& p) {
  return {{"period", p.period},
          {"sales", p.sales},
          {"amount", p.amount},
          {"refunds", p.refunds},
          {"refunded", p.refunded},
          {"net_amount", p.amount - p.refunded},
          {"member_sales", p.member_sales},
          {"member_amount", p.member_amount},
          {"member_refunded", p.member_refunded},
          {"members_share_pct", percent(p.member_amount - p.member_refunded, p.amount - p.refunded)},
          {"new_members", p.new_members},
          {"promo_claims", p.promo_claims},
          {"points_issued", p.points_issued},
          {"points_redeemed", p.points_redeemed},
          {"points_expired", p.points_expired},
          {"points_reversed", p.points_reversed},
          {"points_adjusted", p.points_adjusted},
          {"vouchers_redeemed", p.vouchers_redeemed},
          {"voucher_discount", p.voucher_discount}};
}

Response sales_report(Call& call) {
  auto store = *admin_store(call, true);
  auto from = query_or(call, "from", ""), to = query_or(call, "to", ""), by = query_or(call, "by", "day");
  if (from.empty() || to.empty()) throw bad_request("from and to are required (YYYY-MM-DD, store-local, inclusive)");
  auto periods = unwrap(call.backend.reports->sales(store, from, to, by));
  core::SalesPeriod total;
  json items = json::array();
  for (const auto& p : periods) {
    items.push_back(period_json(p));
    core::add_to(total, p);
  }
  json totals = period_json(total);
  totals.erase("period");
  return json_response({{"store", store},
                        {"timezone", call.backend.reports->timezone(store)},
                        {"from", from},
                        {"to", to},
                        {"by", by},
                        {"periods", items},
                        {"totals", totals}});
}

json buckets_json(const core::CustomersReport::Buckets& b) {
  json out = json::array();
  for (const auto& [label, n] : b) out.push_back({{"bucket", label}, {"members", n}});
  return out;
}

Response customers_report(Call& call) {
  auto store = *admin_store(call, true);
  int top = 10;
  auto t = query_or(call, "top", "10");
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), top);
  if (ec != std::errc() || p != t.data() + t.size()) throw bad_request("top must be a whole number 1 to 100");
  auto r = unwrap(call.backend.reports->customers(store, top));
  auto page = unwrap(call.backend.reports->customer_list(store, page_request(call)));
  json top_customers = json::array();
  for (const auto& c : r.top) top_customers.push_back(customer_json(call, c, store));
  json months = json::array();
  for (const auto& [month, n] : r.active_by_month) months.push_back({{"month", month}, {"active_members", n}});
  // items/next_cursor: every member's recency, frequency and spend, by spend.
  json body = page_json(page, [&](const auto& c) { return customer_json(call, c, store); });
  body["store"] = store;
  body["timezone"] = call.backend.reports->timezone(store);
  body["members"] = r.members;
  body["buyers"] = r.buyers;
  body["segments"] = {{"recency_days", buckets_json(r.recency)},
                      {"frequency", buckets_json(r.frequency)},
                      {"spend", buckets_json(r.spend)}};
  body["top_customers"] = top_customers;
  body["active_by_month"] = months;
  return json_response(body);
}

json days_json(const std::vector<core::SalesPeriod>& days) {
  json out = json::array();
  for (const auto& d : days) out.push_back(period_json(d));
  return out;
}

// The owner's day at a glance (the console's first page): today, the month
// to today and last month to the same day, their days, this month's best
// products, the members, and the day's reservations.
Response dashboard(Call& call) {
  auto store = *admin_store(call, true);
  auto it = call.query.find("date");
  std::optional<std::string> date;
  if (it != call.query.end() && !it->second.empty()) date = it->second;
  auto d = unwrap(call.backend.reports->dashboard(store, date));
  auto bookings = unwrap(call.backend.reservations->on_day(store, d.date));
  long long booked = 0, seats = 0, pending = 0;
  for (const auto& b : bookings) {
    if (b.status == "cancelled") continue;
    ++booked;
    seats += b.party;
    pending += b.status == "pending";
  }
  json top = json::array();
  for (const auto& p : d.top_products) {
    top.push_back({{"name", p.name}, {"sku", p.sku}, {"qty", p.qty}, {"amount", p.amount}});
  }
  return json_response({{"store", store},
                        {"timezone", d.timezone},
                        {"date", d.date},
                        {"today", period_json(d.today)},
                        {"month", period_json(d.month)},
                        {"last_month", period_json(d.last_month)},
                        {"month_days", days_json(d.month_days)},
                        {"last_month_days", days_json(d.last_month_days)},
                        {"top_products", top},
                        {"members", d.members},
                        {"reservations", {{"bookings", booked}, {"seats", seats}, {"pending", pending}}}});
}

}  // namespace

void add_report_routes(Router& r) {
  r.add("GET", "/v1/admin/dashboard", Access::owner, dashboard);
  r.add("GET", "/v1/admin/reports/sales", Access::owner, sales_report);
  r.add("GET", "/v1/admin/reports/customers", Access::owner, customers_report);
}

}  // namespace setia::adapters::rest
