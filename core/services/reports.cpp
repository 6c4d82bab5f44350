#include "core/services/reports.h"

#include <algorithm>

#include "core/domain/civil_date.h"
#include "rules/civil_time.h"
#include "rules/store_time.h"

namespace setia::core {
namespace {

using Kind = ServiceError::Kind;

std::unexpected<ServiceError> invalid(std::string message) {
  return std::unexpected(ServiceError{Kind::invalid, std::move(message)});
}

long long day_number(const domain::LocalDate& d) {
  return domain::days_since_epoch(d.year, static_cast<unsigned>(d.month), static_cast<unsigned>(d.day));
}

domain::LocalDate first_of_previous_month(const domain::LocalDate& d) {
  return d.month == 1 ? domain::LocalDate{d.year - 1, 12, 1} : domain::LocalDate{d.year, d.month - 1, 1};
}

}  // namespace

void add_to(SalesPeriod& total, const SalesPeriod& p) {
  total.sales += p.sales;
  total.amount += p.amount;
  total.member_sales += p.member_sales;
  total.member_amount += p.member_amount;
  total.points_issued += p.points_issued;
  total.points_redeemed += p.points_redeemed;
  total.points_expired += p.points_expired;
  total.points_reversed += p.points_reversed;
  total.points_adjusted += p.points_adjusted;
  total.vouchers_redeemed += p.vouchers_redeemed;
  total.voucher_discount += p.voucher_discount;
  total.refunds += p.refunds;
  total.refunded += p.refunded;
  total.member_refunded += p.member_refunded;
  total.new_members += p.new_members;
  total.promo_claims += p.promo_claims;
}

std::expected<Dashboard, ServiceError> Reports::dashboard(const std::string& store_id,
                                                          const std::optional<std::string>& date) {
  Dashboard d{.store = store_id, .timezone = timezone(store_id)};
  domain::LocalDate day;
  if (date) {
    auto parsed = domain::parse_date(*date);
    if (!parsed) return invalid("date must be a date as YYYY-MM-DD");
    day = *parsed;
  } else {
    auto now = std::chrono::duration_cast<std::chrono::seconds>(clock_.now().time_since_epoch()).count();
    day = rules::to_local(rules::find_zone(d.timezone), now).date;
  }
  const domain::LocalDate month_from{day.year, day.month, 1};
  const domain::LocalDate last_from = first_of_previous_month(day);
  // Last month to the same day of the month, or to its last day.
  const long long last_len = day_number(month_from) - day_number(last_from);
  const domain::LocalDate last_to{last_from.year, last_from.month,
                                  static_cast<int>(std::min<long long>(day.day, last_len))};
  d.date = day.to_string();
  d.month_from = month_from.to_string();
  d.last_month_from = last_from.to_string();
  d.last_month_to = last_to.to_string();
  SalesReportQuery q{
      .store_id = store_id, .timezone = d.timezone, .from = d.last_month_from, .to = d.date, .by_month = false};
  auto days = q_.sales_report(q);
  if (!days) return std::unexpected(ServiceError{Kind::unavailable, days.error().message});
  d.today.period = d.date;
  d.month.period = d.month_from + "/" + d.date;
  d.last_month.period = d.last_month_from + "/" + d.last_month_to;
  for (const auto& p : *days) {
    if (p.period >= d.month_from) {
      d.month_days.push_back(p);
      add_to(d.month, p);
      if (p.period == d.date) add_to(d.today, p);
    } else {
      d.last_month_days.push_back(p);
      if (p.period <= d.last_month_to) add_to(d.last_month, p);
    }
  }
  q.from = d.month_from;
  auto top = q_.top_products(q, 5);
  if (!top) return std::unexpected(ServiceError{Kind::unavailable, top.error().message});
  d.top_products = std::move(*top);
  auto members = q_.member_count(store_id);
  if (!members) return std::unexpected(ServiceError{Kind::unavailable, members.error().message});
  d.members = *members;
  return d;
}

std::string Reports::timezone(const std::string& store_id) const {
  auto book = rules_ ? rules_() : nullptr;
  return book ? book->timezone_of(store_id) : "UTC";
}

std::expected<std::vector<SalesPeriod>, ServiceError> Reports::sales(const std::string& store_id,
                                                                     const std::string& from, const std::string& to,
                                                                     const std::string& by) {
  auto f = domain::parse_date(from), t = domain::parse_date(to);
  if (!f) return invalid("from must be a date as YYYY-MM-DD");
  if (!t) return invalid("to must be a date as YYYY-MM-DD");
  if (*t < *f) return invalid("to must not be before from");
  if (by != "day" && by != "month") return invalid("by must be day or month");
  long long days = day_number(*t) - day_number(*f) + 1;
  if (by == "day" && days > 366) return invalid("by=day covers at most 366 days; use by=month");
  if (days > 3660) return invalid("a report covers at most 10 years");
  auto r = q_.sales_report(
      {.store_id = store_id, .timezone = timezone(store_id), .from = from, .to = to, .by_month = by == "month"});
  if (!r) return std::unexpected(ServiceError{Kind::unavailable, r.error().message});
  return *r;
}

std::expected<CustomersReport, ServiceError> Reports::customers(const std::string& store_id, int top) {
  if (top < 1 || top > 100) return invalid("top must be 1 to 100");
  auto now = std::chrono::duration_cast<std::chrono::seconds>(clock_.now().time_since_epoch()).count();
  auto r = q_.customers_report({.store_id = store_id, .timezone = timezone(store_id), .now = now, .top = top});
  if (!r) return std::unexpected(ServiceError{Kind::unavailable, r.error().message});
  return *r;
}

std::expected<Page<CustomerRow>, ServiceError> Reports::customer_list(const std::string& store_id,
                                                                      const PageRequest& page) {
  auto r = q_.customers(store_id, page);
  if (!r) return std::unexpected(ServiceError{Kind::unavailable, r.error().message});
  return *r;
}

}  // namespace setia::core
