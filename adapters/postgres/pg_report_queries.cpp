#include "adapters/postgres/pg_report_queries.h"

#include <soci/postgresql/soci-postgresql.h>

#include "adapters/postgres/pg_rows.h"

namespace setia::adapters::postgres {
namespace {

// Each member of the store with their recency, frequency and spend (what
// they paid less what was refunded); the statements below start from it.
// Parameters come in through p.
constexpr const char* kCustomers =
    "c AS (SELECT m.id, m.code, m.name, m.points, max(s.occurred_at) AS last, count(s.id) AS n, "
    "             coalesce(sum(s.total - s.refunded), 0) AS spend "
    "        FROM p JOIN members m ON m.store_id = p.store LEFT JOIN sales s ON s.member_id = m.id "
    "       GROUP BY m.id) ";

core::CustomerRow customer_from_row(const soci::row& r) {
  return {r.get<long long>(0), r.get<std::string>(1), r.get<std::string>(2), nullable<long long>(r, 3),
          r.get<long long>(4), r.get<long long>(5),   r.get<long long>(6)};
}

constexpr const char* kCustomerColumns =
    "c.id, c.code, c.name, floor(extract(epoch from c.last))::bigint, c.n::bigint, c.spend::bigint, c.points";

}  // namespace

std::expected<std::vector<core::SalesPeriod>, core::StoreError> PgReportQueries::sales_report(
    const core::SalesReportQuery& q) {
  std::vector<core::SalesPeriod> out;
  std::string fmt = q.by_month ? "YYYY-MM" : "YYYY-MM-DD";
  auto done = session_.run([&](soci::session& sql) {
    out.clear();
    soci::rowset<soci::row> rs =
        (sql.prepare
             << "WITH p AS (SELECT CAST(:store AS text) AS store, CAST(:tz AS text) AS tz, CAST(:d0 AS date) AS d0, "
                "                  CAST(:d1 AS date) AS d1, CAST(:fmt AS text) AS fmt), "
                "b AS (SELECT p.*, (p.d0::timestamp AT TIME ZONE p.tz) AS lo, ((p.d1 + 1)::timestamp AT TIME ZONE p.tz) AS hi FROM p), "
        // Every period of the range, also those without a sale.
                "periods AS (SELECT DISTINCT to_char(d, b.fmt) AS period "
                "              FROM b, generate_series(b.d0::timestamp, b.d1::timestamp, interval '1 day') d), "
                "sa AS (SELECT to_char(s.occurred_at AT TIME ZONE b.tz, b.fmt) AS period, count(*) AS n, sum(s.total) AS amount, "
                "              count(*) FILTER (WHERE s.member_id IS NOT NULL) AS mn, "
                "              sum(s.total) FILTER (WHERE s.member_id IS NOT NULL) AS mamount "
                "         FROM b JOIN sales s ON s.store_id = b.store AND s.occurred_at >= b.lo AND s.occurred_at < b.hi "
                "        GROUP BY 1), "
                "pl AS (SELECT to_char(l.created_at AT TIME ZONE b.tz, b.fmt) AS period, "
                "              sum(l.points) FILTER (WHERE l.kind = 'earn') AS issued, "
                "              -sum(l.points) FILTER (WHERE l.kind = 'redeem') AS redeemed, "
                "              -sum(l.points) FILTER (WHERE l.kind = 'expire') AS expired, "
                "              -sum(l.points) FILTER (WHERE l.kind = 'reverse') AS reversed, "
                "              sum(l.points) FILTER (WHERE l.kind = 'adjust') AS adjusted "
                "         FROM b JOIN points_ledger l ON l.store_id = b.store AND l.created_at >= b.lo AND l.created_at < b.hi "
                "        GROUP BY 1), "
                "vo AS (SELECT to_char(v.redeemed_at AT TIME ZONE b.tz, b.fmt) AS period, count(*) AS n, sum(v.discount) AS d "
                "         FROM b JOIN vouchers v ON v.store_id = b.store AND v.redeemed_at >= b.lo AND v.redeemed_at < b.hi "
                "        GROUP BY 1), "
        // Refunds on the day they were made (a sale refunded a week later
        // leaves its own day's takings as they were that evening).
                "rf AS (SELECT to_char(r.occurred_at AT TIME ZONE b.tz, b.fmt) AS period, count(*) AS n, sum(r.amount) AS amount, "
                "              sum(r.amount) FILTER (WHERE s.member_id IS NOT NULL) AS mamount "
                "         FROM b JOIN refunds r ON r.store_id = b.store AND r.occurred_at >= b.lo AND r.occurred_at < b.hi "
                "         JOIN sales s ON s.id = r.sale_id AND s.store_id = r.store_id "
                "        GROUP BY 1), "
                "nm AS (SELECT to_char(m.created_at AT TIME ZONE b.tz, b.fmt) AS period, count(*) AS n "
                "         FROM b JOIN members m ON m.store_id = b.store AND m.created_at >= b.lo AND m.created_at < b.hi "
                "        GROUP BY 1), "
                "pc AS (SELECT to_char(c.claimed_at AT TIME ZONE b.tz, b.fmt) AS period, count(*) AS n "
                "         FROM b JOIN promo_claims c ON c.store_id = b.store AND c.claimed_at >= b.lo AND c.claimed_at < b.hi "
                "        GROUP BY 1) "
                "SELECT periods.period, coalesce(sa.n, 0)::bigint, coalesce(sa.amount, 0)::bigint, coalesce(sa.mn, 0)::bigint, "
                "       coalesce(sa.mamount, 0)::bigint, coalesce(pl.issued, 0)::bigint, coalesce(pl.redeemed, 0)::bigint, "
                "       coalesce(pl.expired, 0)::bigint, coalesce(pl.reversed, 0)::bigint, coalesce(pl.adjusted, 0)::bigint, "
                "       coalesce(vo.n, 0)::bigint, coalesce(vo.d, 0)::bigint, coalesce(rf.n, 0)::bigint, "
                "       coalesce(rf.amount, 0)::bigint, coalesce(rf.mamount, 0)::bigint, coalesce(nm.n, 0)::bigint, "
                "       coalesce(pc.n, 0)::bigint "
                "  FROM periods LEFT JOIN sa USING (period) LEFT JOIN pl USING (period) LEFT JOIN vo USING (period) "
                "  LEFT JOIN rf USING (period) LEFT JOIN nm USING (period) LEFT JOIN pc USING (period) "
                " ORDER BY periods.period",
         soci::use(q.store_id), soci::use(q.timezone), soci::use(q.from), soci::use(q.to), soci::use(fmt));
    for (const auto& r : rs) {
      core::SalesPeriod s;
      s.period = r.get<std::string>(0);
      s.sales = r.get<long long>(1);
      s.amount = r.get<long long>(2);
      s.member_sales = r.get<long long>(3);
      s.member_amount = r.get<long long>(4);
      s.points_issued = r.get<long long>(5);
      s.points_redeemed = r.get<long long>(6);
      s.points_expired = r.get<long long>(7);
      s.points_reversed = r.get<long long>(8);
      s.points_adjusted = r.get<long long>(9);
      s.vouchers_redeemed = r.get<long long>(10);
      s.voucher_discount = r.get<long long>(11);
      s.refunds = r.get<long long>(12);
      s.refunded = r.get<long long>(13);
      s.member_refunded = r.get<long long>(14);
      s.new_members = r.get<long long>(15);
      s.promo_claims = r.get<long long>(16);
      out.push_back(s);
    }
  });
  if (!done) return std::unexpected(done.error());
  return out;
}

std::expected<core::CustomersReport, core::StoreError> PgReportQueries::customers_report(
    const core::CustomersQuery& q) {
  core::CustomersReport out;
  long long now = q.now;
  int top = q.top;
  auto done = session_.run([&](soci::session& sql) {
    out = {};
    const std::string params =
        "WITH p AS (SELECT CAST(:store AS text) AS store, CAST(:tz AS text) AS tz, to_timestamp(:now) AS now), ";
    // The three segmentations in one pass over c; ord keeps the buckets in
    // their natural order.
    soci::rowset<soci::row> buckets =
        (sql.prepare
             << params + kCustomers +
                    "SELECT 'recency', CASE WHEN c.last IS NULL THEN 'never' WHEN c.last >= p.now - interval '30 days' THEN '0-30' "
                    "  WHEN c.last >= p.now - interval '90 days' THEN '31-90' WHEN c.last >= p.now - interval '180 days' THEN '91-180' "
                    "  ELSE '181+' END AS label, count(*)::bigint, min(CASE WHEN c.last IS NULL THEN 5 "
                    "  WHEN c.last >= p.now - interval '30 days' THEN 1 WHEN c.last >= p.now - interval '90 days' THEN 2 "
                    "  WHEN c.last >= p.now - interval '180 days' THEN 3 ELSE 4 END) AS ord FROM c, p GROUP BY 2 "
                    "UNION ALL SELECT 'frequency', CASE WHEN c.n = 0 THEN '0' WHEN c.n = 1 THEN '1' WHEN c.n <= 4 THEN '2-4' "
                    "  WHEN c.n <= 9 THEN '5-9' ELSE '10+' END, count(*)::bigint, min(CASE WHEN c.n = 0 THEN 0 WHEN c.n = 1 THEN 1 "
                    "  WHEN c.n <= 4 THEN 2 WHEN c.n <= 9 THEN 3 ELSE 4 END) FROM c GROUP BY 2 "
                    "UNION ALL SELECT 'spend', CASE WHEN c.spend = 0 THEN '0' WHEN c.spend < 100000 THEN '1-99999' "
                    "  WHEN c.spend < 500000 THEN '100000-499999' WHEN c.spend < 2000000 THEN '500000-1999999' ELSE '2000000+' END, "
                    "  count(*)::bigint, min(CASE WHEN c.spend = 0 THEN 0 WHEN c.spend < 100000 THEN 1 WHEN c.spend < 500000 THEN 2 "
                    "  WHEN c.spend < 2000000 THEN 3 ELSE 4 END) FROM c GROUP BY 2 "
                    "ORDER BY 1, 4",
         soci::use(q.store_id), soci::use(q.timezone), soci::use(now));
    for (const auto& r : buckets) {
      auto dim = r.get<std::string>(0);
      auto& target = dim == "recency" ? out.recency : dim == "frequency" ? out.frequency : out.spend;
      target.emplace_back(r.get<std::string>(1), r.get<long long>(2));
      if (dim == "frequency") {
        out.members += r.get<long long>(2);
        if (r.get<std::string>(1) != "0") out.buyers += r.get<long long>(2);
      }
    }
    soci::rowset<soci::row> best = (sql.prepare << params + kCustomers + "SELECT " + kCustomerColumns +
                                                       " FROM c WHERE c.n > 0 ORDER BY c.spend DESC, c.id LIMIT :top",
                                    soci::use(q.store_id), soci::use(q.timezone), soci::use(now), soci::use(top));
    for (const auto& r : best) out.top.push_back(customer_from_row(r));
    soci::rowset<soci::row> months =
        (sql.prepare
             << params +
                    "months AS (SELECT generate_series(date_trunc('month', p.now AT TIME ZONE p.tz) - interval '5 months', "
                    "                                  date_trunc('month', p.now AT TIME ZONE p.tz), interval '1 month') AS m FROM p) "
                    "SELECT to_char(months.m, 'YYYY-MM'), count(DISTINCT s.member_id)::bigint "
                    "  FROM p CROSS JOIN months LEFT JOIN sales s ON s.store_id = p.store AND s.member_id IS NOT NULL "
                    "   AND s.occurred_at >= (months.m AT TIME ZONE p.tz) "
                    "   AND s.occurred_at < ((months.m + interval '1 month') AT TIME ZONE p.tz) "
                    " GROUP BY months.m ORDER BY months.m",
         soci::use(q.store_id), soci::use(q.timezone), soci::use(now));
    for (const auto& r : months) out.active_by_month.emplace_back(r.get<std::string>(0), r.get<long long>(1));
  });
  if (!done) return std::unexpected(done.error());
  return out;
}

std::expected<core::Page<core::CustomerRow>, core::StoreError> PgReportQueries::customers(
    const std::string& store_id, const core::PageRequest& page) {
  std::vector<core::CustomerRow> rows;
  int has = page.after ? 1 : 0;
  long long a = page.after ? page.after->a : 0, b = page.after ? page.after->b : 0;
  int fetch = page.limit + 1;
  auto done = session_.run([&](soci::session& sql) {
    rows.clear();
    soci::rowset<soci::row> rs = (sql.prepare << std::string("WITH p AS (SELECT CAST(:store AS text) AS store), ") +
                                                     kCustomers + "SELECT " + kCustomerColumns +
                                                     " FROM c WHERE (:has = 0 OR (c.spend, c.id) < (:a, :b)) "
                                                     "ORDER BY c.spend DESC, c.id DESC LIMIT :lim",
                                  soci::use(store_id), soci::use(has), soci::use(a), soci::use(b), soci::use(fetch));
    for (const auto& r : rs) rows.push_back(customer_from_row(r));
  });
  if (!done) return std::unexpected(done.error());
  return page_of(std::move(rows), page.limit, [](const auto& c) { return core::Cursor{c.spend, c.member_id}; });
}

std::expected<std::vector<core::TopProduct>, core::StoreError> PgReportQueries::top_products(
    const core::SalesReportQuery& q, int limit) {
  std::vector<core::TopProduct> out;
  auto done = session_.run([&](soci::session& sql) {
    out.clear();
    // The store's sales of the period by sales_store_time, their lines by
    // sale_lines' key.
    soci::rowset<soci::row> rs =
        (sql.prepare << "WITH p AS (SELECT CAST(:store AS text) AS store, CAST(:tz AS text) AS tz, "
                        "                  CAST(:d0 AS date) AS d0, CAST(:d1 AS date) AS d1) "
                        "SELECT l.name, coalesce(max(l.sku), ''), sum(l.qty)::bigint, sum(l.amount)::bigint "
                        "  FROM p JOIN sales s ON s.store_id = p.store "
                        "   AND s.occurred_at >= (p.d0::timestamp AT TIME ZONE p.tz) "
                        "   AND s.occurred_at < ((p.d1 + 1)::timestamp AT TIME ZONE p.tz) "
                        "  JOIN sale_lines l ON l.sale_id = s.id AND l.store_id = s.store_id "
                        " GROUP BY l.name ORDER BY 4 DESC, 3 DESC, 1 LIMIT :lim",
         soci::use(q.store_id), soci::use(q.timezone), soci::use(q.from), soci::use(q.to), soci::use(limit));
    for (const auto& r : rs) {
      out.push_back({r.get<std::string>(0), r.get<std::string>(1), r.get<long long>(2), r.get<long long>(3)});
    }
  });
  if (!done) return std::unexpected(done.error());
  return out;
}

std::expected<long long, core::StoreError> PgReportQueries::member_count(const std::string& store_id) {
  long long n = 0;
  auto done = session_.run([&](soci::session& sql) {
    sql << "SELECT count(*) FROM members WHERE store_id = :s AND erased_at IS NULL", soci::use(store_id), soci::into(n);
  });
  if (!done) return std::unexpected(done.error());
  return n;
}

}  // namespace setia::adapters::postgres
