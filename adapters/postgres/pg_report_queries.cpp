#include "adapters/postgres/pg_report_queries.h"

#include <soci/postgresql/soci-postgresql.h>

#include "adapters/postgres/pg_rows.h"

namespace setia::adapters::postgres {
namespace {

// A member's recency, frequency and spend (what they paid less what was
// refunded) are their sales before the store's rolled days end
// (report_members, migration 0025, whose rows are the members who bought
// then; the boundary in the rollup's own zone, whatever the report's) plus
// their sales since, read live by sales_store_time (lv). Parameters come in
// through p. Without a rollup every sale is live.
constexpr const char* kLive =
    "since AS (SELECT coalesce((SELECT r.rolled_until::timestamp AT TIME ZONE r.tz FROM report_rollups r "
    "                            WHERE r.store_id = p.store), '-infinity'::timestamptz) AS t FROM p), "
    // Not materialized, and the store a scalar: a statement that wants the
    // first few by spend reads them off report_members_spend(_top).
    "rolled AS NOT MATERIALIZED (SELECT t.* FROM report_members t WHERE t.store_id = (SELECT p.store FROM p) "
    "                              AND (SELECT since.t FROM since) > '-infinity'), "
    "lv AS (SELECT s.member_id, max(s.occurred_at) AS last, count(*) AS n, sum(s.total - s.refunded) AS spend "
    "         FROM p CROSS JOIN since JOIN sales s ON s.occurred_at >= since.t "
    "        WHERE s.store_id = p.store AND s.member_id IS NOT NULL GROUP BY s.member_id), ";

// The candidates' (cand, defined by each statement) rows: a member's rolled
// totals plus their live ones. A member in neither has bought nothing.
constexpr const char* kCustomers =
    "c AS (SELECT m.id, m.code, m.name, m.points, greatest(t.last_at, lv.last) AS last, "
    "             coalesce(t.purchases, 0) + coalesce(lv.n, 0) AS n, coalesce(t.spend, 0) + coalesce(lv.spend, 0) AS spend "
    "        FROM p JOIN members m ON m.store_id = p.store AND m.id IN (SELECT id FROM cand) "
    "        LEFT JOIN rolled t ON t.member_id = m.id "
    "        LEFT JOIN lv ON lv.member_id = m.id) ";

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
                "b AS (SELECT p.*, (p.d0::timestamp AT TIME ZONE p.tz) AS lo, ((p.d1 + 1)::timestamp AT TIME ZONE p.tz) AS hi, "
        // The first day read live: the rollup's first day not rolled (or d0
        // when the store has none in this zone), within d0 .. d1 + 1.
                "              greatest(p.d0, least(p.d1 + 1, coalesce((SELECT r.rolled_until FROM report_rollups r "
                "                WHERE r.store_id = p.store AND r.tz = p.tz), p.d0))) AS live_d0 FROM p), "
                "l AS (SELECT b.*, (b.live_d0::timestamp AT TIME ZONE b.tz) AS live_lo FROM b), "
        // Every period of the range, also those without a sale.
                "periods AS (SELECT DISTINCT to_char(d, l.fmt) AS period "
                "              FROM l, generate_series(l.d0::timestamp, l.d1::timestamp, interval '1 day') d), "
        // One row per rolled day and per live row, in the columns of the
        // SELECT below; the rolled days' sums are those of the same live rows
        // (setia_report_roll_days, migration 0025).
                "x AS (SELECT to_char(d.day, l.fmt) AS period, d.sales AS n, d.amount, d.member_sales AS mn, "
                "             d.member_amount AS mamount, d.points_issued AS issued, d.points_redeemed AS redeemed, "
                "             d.points_expired AS expired, d.points_reversed AS reversed, d.points_adjusted AS adjusted, "
                "             0::bigint AS von, 0::bigint AS vod, d.refunds AS rn, d.refunded AS ramount, "
                "             d.member_refunded AS rmamount, d.new_members AS nm, d.promo_claims AS pc "
                "        FROM l JOIN report_days d ON d.store_id = l.store AND d.day >= l.d0 AND d.day < l.live_d0 "
                "      UNION ALL "
                "      SELECT to_char(s.occurred_at AT TIME ZONE l.tz, l.fmt), 1, s.total, (s.member_id IS NOT NULL)::int, "
                "             CASE WHEN s.member_id IS NOT NULL THEN s.total ELSE 0 END, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 "
                "        FROM l JOIN sales s ON s.store_id = l.store AND s.occurred_at >= l.live_lo AND s.occurred_at < l.hi "
                "      UNION ALL "
                "      SELECT to_char(pl.created_at AT TIME ZONE l.tz, l.fmt), 0, 0, 0, 0, "
                "             CASE WHEN pl.kind = 'earn' THEN pl.points ELSE 0 END, CASE WHEN pl.kind = 'redeem' THEN -pl.points ELSE 0 END, "
                "             CASE WHEN pl.kind = 'expire' THEN -pl.points ELSE 0 END, CASE WHEN pl.kind = 'reverse' THEN -pl.points ELSE 0 END, "
                "             CASE WHEN pl.kind = 'adjust' THEN pl.points ELSE 0 END, 0, 0, 0, 0, 0, 0, 0 "
                "        FROM l JOIN points_ledger pl ON pl.store_id = l.store AND pl.created_at >= l.live_lo AND pl.created_at < l.hi "
                "      UNION ALL "
        // Vouchers are never rolled (a full refund un-redeems one): the
        // whole range, by vouchers_store_redeemed.
                "      SELECT to_char(v.redeemed_at AT TIME ZONE l.tz, l.fmt), 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, v.discount, 0, 0, 0, 0, 0 "
                "        FROM l JOIN vouchers v ON v.store_id = l.store AND v.redeemed_at >= l.lo AND v.redeemed_at < l.hi "
                "      UNION ALL "
        // Refunds on the day they were made (a sale refunded a week later
        // leaves its own day's takings as they were that evening).
                "      SELECT to_char(r.occurred_at AT TIME ZONE l.tz, l.fmt), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, r.amount, "
                "             CASE WHEN s.member_id IS NOT NULL THEN r.amount ELSE 0 END, 0, 0 "
                "        FROM l JOIN refunds r ON r.store_id = l.store AND r.occurred_at >= l.live_lo AND r.occurred_at < l.hi "
                "        JOIN sales s ON s.id = r.sale_id AND s.store_id = r.store_id "
                "      UNION ALL "
                "      SELECT to_char(m.created_at AT TIME ZONE l.tz, l.fmt), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0 "
                "        FROM l JOIN members m ON m.store_id = l.store AND m.created_at >= l.live_lo AND m.created_at < l.hi "
                "      UNION ALL "
                "      SELECT to_char(c.claimed_at AT TIME ZONE l.tz, l.fmt), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 "
                "        FROM l JOIN promo_claims c ON c.store_id = l.store AND c.claimed_at >= l.live_lo AND c.claimed_at < l.hi) "
                "SELECT periods.period, coalesce(sum(x.n), 0)::bigint, coalesce(sum(x.amount), 0)::bigint, "
                "       coalesce(sum(x.mn), 0)::bigint, coalesce(sum(x.mamount), 0)::bigint, coalesce(sum(x.issued), 0)::bigint, "
                "       coalesce(sum(x.redeemed), 0)::bigint, coalesce(sum(x.expired), 0)::bigint, "
                "       coalesce(sum(x.reversed), 0)::bigint, coalesce(sum(x.adjusted), 0)::bigint, "
                "       coalesce(sum(x.von), 0)::bigint, coalesce(sum(x.vod), 0)::bigint, coalesce(sum(x.rn), 0)::bigint, "
                "       coalesce(sum(x.ramount), 0)::bigint, coalesce(sum(x.rmamount), 0)::bigint, "
                "       coalesce(sum(x.nm), 0)::bigint, coalesce(sum(x.pc), 0)::bigint "
                "  FROM periods LEFT JOIN x USING (period) GROUP BY periods.period ORDER BY periods.period",
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
             << params + kLive +
                    // Every buyer's totals (rolled, live or both), one row
                    // each (w = 1), and one row (w = how many) for the members
                    // who bought nothing, when there are any.
                    "b AS (SELECT greatest(t.last_at, lv.last) AS last, coalesce(t.purchases, 0) + coalesce(lv.n, 0) AS n, "
                    "             coalesce(t.spend, 0) + coalesce(lv.spend, 0) AS spend, 1 AS w "
                    "        FROM rolled t FULL JOIN lv ON lv.member_id = t.member_id), "
                    "c AS (SELECT * FROM b UNION ALL "
                    "      SELECT NULL, 0, 0, x.w FROM (SELECT (SELECT count(*) FROM members m WHERE m.store_id = p.store) "
                    "                                          - (SELECT count(*) FROM b) AS w FROM p) x WHERE x.w > 0) "
                    "SELECT 'recency', CASE WHEN c.last IS NULL THEN 'never' WHEN c.last >= p.now - interval '30 days' THEN '0-30' "
                    "  WHEN c.last >= p.now - interval '90 days' THEN '31-90' WHEN c.last >= p.now - interval '180 days' THEN '91-180' "
                    "  ELSE '181+' END AS label, sum(c.w)::bigint, min(CASE WHEN c.last IS NULL THEN 5 "
                    "  WHEN c.last >= p.now - interval '30 days' THEN 1 WHEN c.last >= p.now - interval '90 days' THEN 2 "
                    "  WHEN c.last >= p.now - interval '180 days' THEN 3 ELSE 4 END) AS ord FROM c, p GROUP BY 2 "
                    "UNION ALL SELECT 'frequency', CASE WHEN c.n = 0 THEN '0' WHEN c.n = 1 THEN '1' WHEN c.n <= 4 THEN '2-4' "
                    "  WHEN c.n <= 9 THEN '5-9' ELSE '10+' END, sum(c.w)::bigint, min(CASE WHEN c.n = 0 THEN 0 WHEN c.n = 1 THEN 1 "
                    "  WHEN c.n <= 4 THEN 2 WHEN c.n <= 9 THEN 3 ELSE 4 END) FROM c GROUP BY 2 "
                    "UNION ALL SELECT 'spend', CASE WHEN c.spend = 0 THEN '0' WHEN c.spend < 100000 THEN '1-99999' "
                    "  WHEN c.spend < 500000 THEN '100000-499999' WHEN c.spend < 2000000 THEN '500000-1999999' ELSE '2000000+' END, "
                    "  sum(c.w)::bigint, min(CASE WHEN c.spend = 0 THEN 0 WHEN c.spend < 100000 THEN 1 WHEN c.spend < 500000 THEN 2 "
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
    // The top by their rolled spend among those who bought nothing since
    // (report_members_spend_top) and everyone who did: adding today's
    // sales only raises a spend, so no one else can be above them.
    int top2 = top;
    soci::rowset<soci::row> best =
        (sql.prepare << params + kLive +
                            "cand AS ((SELECT t.member_id AS id FROM rolled t "
                            "           WHERE NOT EXISTS (SELECT 1 FROM lv WHERE lv.member_id = t.member_id) "
                            "           ORDER BY t.spend DESC, t.member_id LIMIT :top) "
                            "         UNION SELECT lv.member_id FROM lv), " +
                            kCustomers + "SELECT " + kCustomerColumns +
                            " FROM c WHERE c.n > 0 ORDER BY c.spend DESC, c.id LIMIT :top2",
         soci::use(q.store_id), soci::use(q.timezone), soci::use(now), soci::use(top), soci::use(top2));
    for (const auto& r : best) out.top.push_back(customer_from_row(r));
    soci::rowset<soci::row> months =
        (sql.prepare
             << params +
                    "months AS (SELECT generate_series(date_trunc('month', p.now AT TIME ZONE p.tz) - interval '5 months', "
                    "                                  date_trunc('month', p.now AT TIME ZONE p.tz), interval '1 month') AS m FROM p), "
        // The rolled days' buyers of each month (report_member_months, when
        // rolled in this zone), and the live days' buyers not among them.
                    "r AS (SELECT coalesce((SELECT r.rolled_until FROM report_rollups r WHERE r.store_id = p.store AND r.tz = p.tz), "
                    "                      '-infinity'::date) AS until FROM p), "
                    "lv AS (SELECT DISTINCT date_trunc('month', s.occurred_at AT TIME ZONE p.tz) AS m, s.member_id "
                    "         FROM p CROSS JOIN r JOIN sales s ON s.occurred_at >= (r.until::timestamp AT TIME ZONE p.tz) "
                    "        WHERE s.store_id = p.store AND s.member_id IS NOT NULL "
                    "          AND s.occurred_at >= ((SELECT min(m) FROM months) AT TIME ZONE p.tz)) "
                    "SELECT to_char(months.m, 'YYYY-MM'), "
                    "       ((SELECT count(*) FROM report_member_months x WHERE x.store_id = p.store AND x.month = months.m::date "
                    "           AND r.until > '-infinity'::date) "
                    "        + (SELECT count(*) FROM lv WHERE lv.m = months.m AND NOT EXISTS (SELECT 1 FROM report_member_months x "
                    "             WHERE x.store_id = p.store AND x.month = months.m::date AND x.member_id = lv.member_id "
                    "               AND r.until > '-infinity'::date)))::bigint "
                    "  FROM p, r, months ORDER BY months.m",
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
    // The page's candidates: the next members by rolled spend among those
    // who bought nothing since (report_members_spend, backwards), everyone
    // who did, and, when the former do not fill the page with spend above
    // 0, the next members by id who bought nothing at all (spend 0).
    soci::rowset<soci::row> rs =
        (sql.prepare
             << std::string("WITH p AS (SELECT CAST(:store AS text) AS store), ") + kLive +
                    "rc AS (SELECT t.member_id, t.spend FROM rolled t "
                    "        WHERE NOT EXISTS (SELECT 1 FROM lv WHERE lv.member_id = t.member_id) "
                    "          AND (:has = 0 OR (t.spend, t.member_id) < (:a, :b)) "
                    "        ORDER BY t.spend DESC, t.member_id DESC LIMIT :lim), "
                    "cand AS (SELECT rc.member_id AS id FROM rc UNION SELECT lv.member_id FROM lv "
                    "         UNION (SELECT m.id FROM p JOIN members m ON m.store_id = p.store "
                    "                 WHERE ((SELECT count(*) FROM rc) < :lim2 OR (SELECT min(rc.spend) FROM rc) <= 0) "
                    "                   AND NOT EXISTS (SELECT 1 FROM rolled t WHERE t.member_id = m.id) "
                    "                   AND NOT EXISTS (SELECT 1 FROM lv WHERE lv.member_id = m.id) "
                    "                   AND (:has2 = 0 OR (0, m.id) < (:a2, :b2)) "
                    "                 ORDER BY m.id DESC LIMIT :lim3)), " +
                    kCustomers + "SELECT " + kCustomerColumns +
                    " FROM c WHERE (:has3 = 0 OR (c.spend, c.id) < (:a3, :b3)) "
                    "ORDER BY c.spend DESC, c.id DESC LIMIT :lim4",
         soci::use(store_id), soci::use(has), soci::use(a), soci::use(b), soci::use(fetch), soci::use(fetch),
         soci::use(has), soci::use(a), soci::use(b), soci::use(fetch), soci::use(has), soci::use(a), soci::use(b),
         soci::use(fetch));
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
    // The rolled days' products (report_day_products), then the live
    // days' sales by sales_store_time and their lines by sale_lines' key.
    soci::rowset<soci::row> rs =
        (sql.prepare
             << "WITH p AS (SELECT CAST(:store AS text) AS store, CAST(:tz AS text) AS tz, "
                "                  CAST(:d0 AS date) AS d0, CAST(:d1 AS date) AS d1), "
                "b AS (SELECT p.*, ((p.d1 + 1)::timestamp AT TIME ZONE p.tz) AS hi, "
                "             greatest(p.d0, least(p.d1 + 1, coalesce((SELECT r.rolled_until FROM report_rollups r "
                "               WHERE r.store_id = p.store AND r.tz = p.tz), p.d0))) AS live_d0 FROM p), "
                "x AS (SELECT d.name, d.sku, d.qty, d.amount FROM b JOIN report_day_products d "
                "        ON d.store_id = b.store AND d.day >= b.d0 AND d.day < b.live_d0 "
                "      UNION ALL "
                "      SELECT l.name, l.sku, l.qty, l.amount FROM b JOIN sales s ON s.store_id = b.store "
                "         AND s.occurred_at >= (b.live_d0::timestamp AT TIME ZONE b.tz) AND s.occurred_at < b.hi "
                "        JOIN sale_lines l ON l.sale_id = s.id AND l.store_id = s.store_id) "
                "SELECT x.name, coalesce(max(x.sku), ''), sum(x.qty)::bigint, sum(x.amount)::bigint "
                "  FROM x GROUP BY x.name ORDER BY 4 DESC, 3 DESC, 1 LIMIT :lim",
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
