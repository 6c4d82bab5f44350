#pragma once

#include <nlohmann/json.hpp>

#include "adapters/postgres/pg_session.h"
#include "core/ports/crm_queries.h"

namespace setia::adapters::postgres {

// core::CrmQueries on PostgreSQL: a member's reads (pg_crm_queries.cpp),
// the admins' (pg_admin_queries.cpp) and the reports (pg_reports.cpp).
// Works on a session it is given (one per worker thread).
class PgCrmQueries final : public core::CrmQueries {
 public:
  explicit PgCrmQueries(PgSession& session) : session_(session) {}

  // core::CrmQueries
  std::expected<core::Page<core::TransactionSummary>, core::StoreError> member_transactions(
      long long member_id, const core::PageRequest& page) override;
  std::expected<std::optional<core::Transaction>, core::StoreError> transaction(
      long long sale_id, std::optional<long long> member_id, std::optional<std::string> store_id) override;
  std::expected<core::Page<core::NotificationRow>, core::StoreError> notifications(long long member_id,
                                                                                   const core::PageRequest& page) override;
  std::expected<core::Page<core::VoucherRow>, core::StoreError> member_vouchers(long long member_id,
                                                                                const core::PageRequest& page) override;
  std::expected<std::optional<core::VoucherRow>, core::StoreError> member_voucher(long long member_id,
                                                                                  const std::string& code) override;
  std::expected<std::optional<core::Profile>, core::StoreError> find_member(const std::optional<std::string>& store_id,
                                                                            const std::string& id_or_code) override;
  std::expected<core::Page<core::Profile>, core::StoreError> search_members(const std::optional<std::string>& store_id,
                                                                            const std::string& q,
                                                                            const core::PageRequest& page) override;
  std::expected<core::Page<core::DeadLetterRow>, core::StoreError> dead_letters(
      const std::optional<std::string>& store_id, const core::PageRequest& page) override;
  std::expected<std::optional<core::DeadLetterRow>, core::StoreError> dead_letter(
      long long id, const std::optional<std::string>& store_id) override;
  std::expected<void, core::StoreError> release_rejected_claim(const std::string& store_id,
                                                               const std::string& event_id) override;
  std::expected<void, core::StoreError> mark_replayed(long long id, const std::string& result_json) override;
  std::expected<std::vector<core::SalesPeriod>, core::StoreError> sales_report(const core::SalesReportQuery& q) override;
  std::expected<core::CustomersReport, core::StoreError> customers_report(const core::CustomersQuery& q) override;
  std::expected<core::Page<core::CustomerRow>, core::StoreError> customers(const std::string& store_id,
                                                                           const core::PageRequest& page) override;
  std::expected<std::vector<std::pair<std::string, long long>>, core::StoreError> outbox_backlog() override;
  std::expected<long long, core::StoreError> dead_letter_total() override;
  std::expected<void, core::StoreError> ping() override;

 private:
  PgSession& session_;
};

// One round trip for a list: the rows of `inner` (a SELECT whose columns
// have names) as a JSON array of objects, ordered by `order` (over t).
// SOCI's rowset prepares, executes and deallocates a named statement (three
// round trips); a one-time query of one text value is one (PQexecParams).
template <class... Params>
nlohmann::json json_rows(soci::session& sql, const std::string& inner, const std::string& order, Params&... params) {
  std::string doc;
  const std::string query =
      "SELECT coalesce(json_agg(t ORDER BY " + order + "), '[]')::text FROM (" + inner + ") t";
  (((sql << query), ..., soci::use(params)), soci::into(doc));
  return nlohmann::json::parse(doc);
}

// Shared by the three files: a nullable column of a row.
template <class T>
std::optional<T> nullable(const soci::row& r, std::size_t i) {
  if (r.get_indicator(i) != soci::i_ok) return std::nullopt;
  return r.get<T>(i);
}

// Rows fetched one past the page's limit tell whether a next page exists:
// trims the extra row and returns the cursor of the last kept one.
template <class T, class Key>
core::Page<T> page_of(std::vector<T> rows, int limit, Key key) {
  core::Page<T> p;
  if (static_cast<int>(rows.size()) > limit) {
    rows.resize(static_cast<std::size_t>(limit));
    p.next = key(rows.back());
  }
  p.items = std::move(rows);
  return p;
}

}  // namespace setia::adapters::postgres
