#include "core/services/reports.h"

#include "core/domain/civil_date.h"
#include "rules/civil_time.h"

namespace setia::core {
namespace {

using Kind = ServiceError::Kind;

std::unexpected<ServiceError> invalid(std::string message) {
  return std::unexpected(ServiceError{Kind::invalid, std::move(message)});
}

long long day_number(const domain::LocalDate& d) {
  return domain::days_since_epoch(d.year, static_cast<unsigned>(d.month), static_cast<unsigned>(d.day));
}

}  // namespace

std::string Reports::timezone(const std::string& store_id) const {
  auto book = rules_ ? rules_() : nullptr;
  const rules::RuleSet* rs = book ? book->for_store(store_id) : nullptr;
  return rs && !rs->timezone.empty() ? rs->timezone : "UTC";
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
