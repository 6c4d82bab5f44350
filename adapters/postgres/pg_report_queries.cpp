#include "adapters/postgres/pg_report_queries.h"

#include <soci/postgresql/soci-postgresql.h>

#include "adapters/postgres/pg_rows.h"

namespace setia::adapters::postgres {
namespace {

// The store's first day not rolled up (report_rollups, migration 0025),
// when it has a rollup in `tz`: the reports read the days before it from
// the rollups and the rest live. Read first, so that the statement that
// follows is planned for its real ranges (SOCI prepares each one anew: a
// custom plan).
std::optional<std::string> rolled_until(soci::session& sql, const std::string& store, const std::string& tz) {
  std::string day;
  soci::indicator ind = soci::i_null;
  sql << "SELECT to_char(rolled_until, 'YYYY-MM-DD') FROM report_rollups WHERE store_id = :s AND tz = :tz",
      soci::use(store), soci::use(tz), soci::into(day, ind);
  if (!sql.got_data() || ind != soci::i_ok) return std::nullopt;
  return day;
}

// The first day of from .. to a report reads live, and its start in `tz`
// (unix seconds): the store's first day not rolled up in `tz`, within from
// .. to + 1; from without a rollup.
struct LiveFrom {
  std::string day;
  long long start = 0;
};
LiveFrom live_from(soci::session& sql, const std::string& store, const std::string& tz, const std::string& from,
                   const std::string& to) {
  const std::string until = rolled_until(sql, store, tz).value_or(from);
  LiveFrom out;
  sql << "SELECT to_char(x.d, 'YYYY-MM-DD'), floor(extract(epoch FROM x.d::timestamp AT TIME ZONE :tz))::bigint "
         "  FROM (SELECT greatest(CAST(:d0 AS date), least(CAST(:d1 AS date) + 1, CAST(:u AS date))) AS d) x",
      soci::use(tz), soci::use(from), soci::use(to), soci::use(until), soci::into(out.day), soci::into(out.start);
  return out;
}

// Where a store's rolled members' totals (report_members) end, unix
// seconds: the start of its first day not rolled, in the rollup's own
// zone (whatever the report's); none without a rollup.
std::optional<long long> members_rolled_until(soci::session& sql, const std::string& store) {
  long long t = 0;
  soci::indicator ind = soci::i_null;
  sql << "SELECT floor(extract(epoch FROM rolled_until::timestamp AT TIME ZONE tz))::bigint FROM report_rollups "
         "WHERE store_id = :s",
      soci::use(store), soci::into(t, ind);
  if (!sql.got_data() || ind != soci::i_ok) return std::nullopt;
  return t;
}

// A member's recency, frequency and spend (what they paid less what was
// refunded) are their sales before the rollup's end (report_members: the members
// who bought then; none when p.rolled = 0) plus their sales since, read
// live by sales_store_time (lv). Parameters come in through p.
constexpr const char* kLive =
    // Not materialized: a statement that wants the first few by spend reads
    // them off report_members_spend(_top).
    "rolled AS NOT MATERIALIZED (SELECT t.* FROM report_members t "
    "                             WHERE t.store_id = (SELECT p.store FROM p) AND (SELECT p.rolled FROM p) = 1), "
    // Its own parameters (not p's) for the planner to see the range.
    "lv AS (SELECT s.member_id, max(s.occurred_at) AS last, count(*) AS n, sum(s.total - s.refunded) AS spend "
    "         FROM sales s WHERE s.store_id = :lvstore AND s.occurred_at >= to_timestamp(:lvsince) "
    "          AND s.member_id IS NOT NULL GROUP BY s.member_id), ";

// The candidates' (cand, defined by each statement) rows: a member's rolled
// totals plus their live ones. A member in neither has bought nothing.
// Each candidate's member by the primary key (LIMIT 1 keeps the lateral
// subquery from being flattened into a hash join over every member).
constexpr const char* kCustomers =
    "c AS (SELECT m.id, m.code, m.name, m.points, greatest(t.last_at, lv.last) AS last, "
    "             coalesce(t.purchases, 0) + coalesce(lv.n, 0) AS n, coalesce(t.spend, 0) + coalesce(lv.spend, 0) AS spend "
    "        FROM cand CROSS JOIN LATERAL (SELECT m.* FROM members m WHERE m.id = cand.id "
    "                                        AND m.store_id = (SELECT p.store FROM p) LIMIT 1) m "
    "        LEFT JOIN rolled t ON t.member_id = m.id "
    "        LEFT JOIN lv ON lv.member_id = m.id) ";

// p for kLive: the store, and whether it has rolled totals.
constexpr const char* kLiveParams = "p AS (SELECT CAST(:store AS text) AS store, CAST(:rolled AS integer) AS rolled";

// lv's lower bound without a rollup: every sale (0001-01-01).
constexpr long long kBeforeAllSales = -62135596800;

// A customer from the row's columns `at` on (kCustomerColumns).
core::CustomerRow customer_from_row(const soci::row& r, std::size_t at = 0) {
  return {r.get<long long>(at),           r.get<std::string>(at + 1), r.get<std::string>(at + 2),
          nullable<long long>(r, at + 3), r.get<long long>(at + 4),   r.get<long long>(at + 5),
          r.get<long long>(at + 6)};
}

// The customers report's counts before its top's columns: members, buyers,
// recency 1-4, frequency 1-4, spend 0-4.
constexpr std::size_t kSegmentColumns = 15;

constexpr const char* kCustomerColumns =
    "c.id, c.code, c.name, floor(extract(epoch from c.last))::bigint, c.n::bigint, c.spend::bigint, c.points";

}  // namespace

std::expected<std::vector<core::SalesPeriod>, core::StoreError> PgReportQueries::sales_report(
    const core::SalesReportQuery& q) {
  std::vector<core::SalesPeriod> out;
  std::string fmt = q.by_month ? "YYYY-MM" : "YYYY-MM-DD";
  auto done = session_.run([&](soci::session& sql) {
    out.clear();
    // The live branches compare with their own parameters (lo1 .. lo5, the
    // live days' start), which the planner sees, not with l's.
    const LiveFrom live = live_from(sql, q.store_id, q.timezone, q.from, q.to);
    soci::rowset<soci::row> rs =
        (sql.prepare
             << "WITH p AS (SELECT CAST(:store AS text) AS store, CAST(:tz AS text) AS tz, CAST(:d0 AS date) AS d0, "
                "                  CAST(:d1 AS date) AS d1, CAST(:fmt AS text) AS fmt, CAST(:live AS date) AS live_d0), "
                "l AS (SELECT p.*, (p.d0::timestamp AT TIME ZONE p.tz) AS lo, ((p.d1 + 1)::timestamp AT TIME ZONE p.tz) AS hi "
                "        FROM p), "
        // Every period of the range, also those without a sale.
                "periods AS (SELECT DISTINCT to_char(d, l.fmt) AS period "
                "              FROM l, generate_series(l.d0::timestamp, l.d1::timestamp, interval '1 day') d), "
        // Per period, the rolled days' sums and each source's live rows',
        // in the columns of the SELECT below; the rolled days' sums are
        // those of the same live rows (setia_report_roll_days, 0025).
                "x AS (SELECT to_char(d.day, l.fmt) AS period, sum(d.sales) AS n, sum(d.amount) AS amount, "
                "             sum(d.member_sales) AS mn, sum(d.member_amount) AS mamount, sum(d.points_issued) AS issued, "
                "             sum(d.points_redeemed) AS redeemed, sum(d.points_expired) AS expired, "
                "             sum(d.points_reversed) AS reversed, sum(d.points_adjusted) AS adjusted, 0 AS von, 0 AS vod, "
                "             sum(d.refunds) AS rn, sum(d.refunded) AS ramount, sum(d.member_refunded) AS rmamount, "
                "             sum(d.new_members) AS nm, sum(d.promo_claims) AS pc "
                "        FROM l JOIN report_days d ON d.store_id = l.store AND d.day >= l.d0 AND d.day < l.live_d0 GROUP BY 1 "
                "      UNION ALL "
                "      SELECT to_char(s.occurred_at AT TIME ZONE l.tz, l.fmt), count(*), sum(s.total), "
                "             count(*) FILTER (WHERE s.member_id IS NOT NULL), "
                "             coalesce(sum(s.total) FILTER (WHERE s.member_id IS NOT NULL), 0), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 "
                "        FROM l JOIN sales s ON s.store_id = l.store AND s.occurred_at >= to_timestamp(:lo1) AND s.occurred_at < l.hi "
                "       GROUP BY 1 "
                "      UNION ALL "
                "      SELECT to_char(pl.created_at AT TIME ZONE l.tz, l.fmt), 0, 0, 0, 0, "
                "             coalesce(sum(pl.points) FILTER (WHERE pl.kind = 'earn'), 0), "
                "             coalesce(-sum(pl.points) FILTER (WHERE pl.kind = 'redeem'), 0), "
                "             coalesce(-sum(pl.points) FILTER (WHERE pl.kind = 'expire'), 0), "
                "             coalesce(-sum(pl.points) FILTER (WHERE pl.kind = 'reverse'), 0), "
                "             coalesce(sum(pl.points) FILTER (WHERE pl.kind = 'adjust'), 0), 0, 0, 0, 0, 0, 0, 0 "
                "        FROM l JOIN points_ledger pl ON pl.store_id = l.store AND pl.created_at >= to_timestamp(:lo2) AND pl.created_at < l.hi "
                "       GROUP BY 1 "
                "      UNION ALL "
        // Vouchers are never rolled (a full refund un-redeems one): the
        // whole range, by vouchers_store_redeemed.
                "      SELECT to_char(v.redeemed_at AT TIME ZONE l.tz, l.fmt), 0, 0, 0, 0, 0, 0, 0, 0, 0, count(*), "
                "             coalesce(sum(v.discount), 0), 0, 0, 0, 0, 0 "
                "        FROM l JOIN vouchers v ON v.store_id = l.store AND v.redeemed_at >= l.lo AND v.redeemed_at < l.hi "
                "       GROUP BY 1 "
                "      UNION ALL "
        // Refunds on the day they were made (a sale refunded a week later
        // leaves its own day's takings as they were that evening).
                "      SELECT to_char(r.occurred_at AT TIME ZONE l.tz, l.fmt), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, count(*), "
                "             sum(r.amount), coalesce(sum(r.amount) FILTER (WHERE s.member_id IS NOT NULL), 0), 0, 0 "
                "        FROM l JOIN refunds r ON r.store_id = l.store AND r.occurred_at >= to_timestamp(:lo3) AND r.occurred_at < l.hi "
                "        JOIN sales s ON s.id = r.sale_id AND s.store_id = r.store_id GROUP BY 1 "
                "      UNION ALL "
                "      SELECT to_char(m.created_at AT TIME ZONE l.tz, l.fmt), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, count(*), 0 "
                "        FROM l JOIN members m ON m.store_id = l.store AND m.created_at >= to_timestamp(:lo4) AND m.created_at < l.hi "
                "       GROUP BY 1 "
                "      UNION ALL "
                "      SELECT to_char(c.claimed_at AT TIME ZONE l.tz, l.fmt), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, count(*) "
                "        FROM l JOIN promo_claims c ON c.store_id = l.store AND c.claimed_at >= to_timestamp(:lo5) AND c.claimed_at < l.hi "
                "       GROUP BY 1) "
                "SELECT periods.period, coalesce(sum(x.n), 0)::bigint, coalesce(sum(x.amount), 0)::bigint, "
                "       coalesce(sum(x.mn), 0)::bigint, coalesce(sum(x.mamount), 0)::bigint, coalesce(sum(x.issued), 0)::bigint, "
                "       coalesce(sum(x.redeemed), 0)::bigint, coalesce(sum(x.expired), 0)::bigint, "
                "       coalesce(sum(x.reversed), 0)::bigint, coalesce(sum(x.adjusted), 0)::bigint, "
                "       coalesce(sum(x.von), 0)::bigint, coalesce(sum(x.vod), 0)::bigint, coalesce(sum(x.rn), 0)::bigint, "
                "       coalesce(sum(x.ramount), 0)::bigint, coalesce(sum(x.rmamount), 0)::bigint, "
                "       coalesce(sum(x.nm), 0)::bigint, coalesce(sum(x.pc), 0)::bigint "
                "  FROM periods LEFT JOIN x USING (period) GROUP BY periods.period ORDER BY periods.period",
         soci::use(q.store_id), soci::use(q.timezone), soci::use(q.from), soci::use(q.to), soci::use(fmt),
         soci::use(live.day), soci::use(live.start), soci::use(live.start), soci::use(live.start),
         soci::use(live.start), soci::use(live.start));
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
    const auto until = members_rolled_until(sql, q.store_id);
    int rolled = until ? 1 : 0;
    long long since = until.value_or(kBeforeAllSales);
    const std::string params =
        std::string("WITH ") + kLiveParams + ", CAST(:tz AS text) AS tz, to_timestamp(:now) AS now), ";
    // One statement for the segments and the top, which share today's
    // buyers (lv) and their rolled rows (j): its first row has the counts
    // and the top's first customer, each further row the next customer (no
    // customer: one row, the customer's columns NULL).
    //
    // The segments: the store's rolled buyers counted per bucket by the
    // report-rollup job (report_segments, report_last_days: migration
    // 0027), corrected by those who bought since (lv): each one's rolled
    // row out (sign -1) and their merged totals in (+1). Recency's bounds
    // are instants: the rolled buyers whose last purchase is at or after
    // one are the days after its UTC day plus that day's, read by
    // report_members_last. The members who bought nothing are the store's
    // members less the buyers.
    //
    // The top: the first among two sets that make up the buyers, the first
    // by their rolled spend of those who bought nothing since
    // (report_members_spend_top), and the first by their merged spend of
    // those who did (lt, sorted: the members' rows are read for the first
    // ones only, not for each of today's ~1,800 buyers at 1,000,000 sales);
    // no one else can be above both.
    int top2 = top, top3 = top;
    soci::rowset<soci::row> rs =
        (sql.prepare
             << params + kLive +
                    "b AS (SELECT p.now - interval '30 days' AS b1, p.now - interval '90 days' AS b2, "
                    "             p.now - interval '180 days' AS b3 FROM p), "
                    "j AS MATERIALIZED (SELECT lv.member_id, lv.last, lv.n, lv.spend, t.last_at AS t_last, "
                    "                          t.purchases AS t_n, t.spend AS t_spend "
                    "                     FROM lv LEFT JOIN LATERAL (SELECT t.* FROM rolled t WHERE t.member_id = lv.member_id "
                    "                                                 LIMIT 1) t ON true), "
                    "d AS (SELECT -1 AS sign, j.t_last AS last, j.t_n AS n, j.t_spend AS spend FROM j WHERE j.t_n IS NOT NULL "
                    "      UNION ALL "
                    "      SELECT 1, greatest(j.t_last, j.last), coalesce(j.t_n, 0) + j.n, coalesce(j.t_spend, 0) + j.spend FROM j), "
                    "k AS (SELECT d.sign, CASE WHEN d.last >= b.b1 THEN 1 WHEN d.last >= b.b2 THEN 2 "
                    "                          WHEN d.last >= b.b3 THEN 3 ELSE 4 END AS r, "
                    "             setia_frequency_bucket(d.n) AS f, setia_spend_bucket(d.spend) AS s FROM d, b), "
                    "dv AS (SELECT coalesce(sum(k.sign), 0) AS buyers, "
                    "              coalesce(sum(k.sign) FILTER (WHERE k.r = 1), 0) AS r1, "
                    "              coalesce(sum(k.sign) FILTER (WHERE k.r = 2), 0) AS r2, "
                    "              coalesce(sum(k.sign) FILTER (WHERE k.r = 3), 0) AS r3, "
                    "              coalesce(sum(k.sign) FILTER (WHERE k.r = 4), 0) AS r4, "
                    "              coalesce(sum(k.sign) FILTER (WHERE k.f = 1), 0) AS f1, "
                    "              coalesce(sum(k.sign) FILTER (WHERE k.f = 2), 0) AS f2, "
                    "              coalesce(sum(k.sign) FILTER (WHERE k.f = 3), 0) AS f3, "
                    "              coalesce(sum(k.sign) FILTER (WHERE k.f = 4), 0) AS f4, "
                    "              coalesce(sum(k.sign) FILTER (WHERE k.s = 0), 0) AS s0, "
                    "              coalesce(sum(k.sign) FILTER (WHERE k.s = 1), 0) AS s1, "
                    "              coalesce(sum(k.sign) FILTER (WHERE k.s = 2), 0) AS s2, "
                    "              coalesce(sum(k.sign) FILTER (WHERE k.s = 3), 0) AS s3, "
                    "              coalesce(sum(k.sign) FILTER (WHERE k.s = 4), 0) AS s4 FROM k), "
                    "seg AS (SELECT x.* FROM p JOIN report_segments x ON x.store_id = p.store AND p.rolled = 1), "
                    "rv AS (SELECT coalesce(sum(seg.buyers) FILTER (WHERE seg.segment = 'frequency'), 0) AS buyers, "
                    "              coalesce(sum(seg.buyers) FILTER (WHERE seg.segment = 'frequency' AND seg.bucket = 1), 0) AS f1, "
                    "              coalesce(sum(seg.buyers) FILTER (WHERE seg.segment = 'frequency' AND seg.bucket = 2), 0) AS f2, "
                    "              coalesce(sum(seg.buyers) FILTER (WHERE seg.segment = 'frequency' AND seg.bucket = 3), 0) AS f3, "
                    "              coalesce(sum(seg.buyers) FILTER (WHERE seg.segment = 'frequency' AND seg.bucket = 4), 0) AS f4, "
                    "              coalesce(sum(seg.buyers) FILTER (WHERE seg.segment = 'spend' AND seg.bucket = 0), 0) AS s0, "
                    "              coalesce(sum(seg.buyers) FILTER (WHERE seg.segment = 'spend' AND seg.bucket = 1), 0) AS s1, "
                    "              coalesce(sum(seg.buyers) FILTER (WHERE seg.segment = 'spend' AND seg.bucket = 2), 0) AS s2, "
                    "              coalesce(sum(seg.buyers) FILTER (WHERE seg.segment = 'spend' AND seg.bucket = 3), 0) AS s3, "
                    "              coalesce(sum(seg.buyers) FILTER (WHERE seg.segment = 'spend' AND seg.bucket = 4), 0) AS s4 "
                    "         FROM seg), "
                    // The rolled buyers last at or after each bound (g1, g2, g3).
                    "ge AS (SELECT max(y.n) FILTER (WHERE y.i = 1) AS g1, max(y.n) FILTER (WHERE y.i = 2) AS g2, "
                    "              max(y.n) FILTER (WHERE y.i = 3) AS g3 "
                    "         FROM (SELECT v.i, "
                    "                      (SELECT coalesce(sum(x.buyers), 0) FROM report_last_days x "
                    "                        WHERE x.store_id = p.store AND p.rolled = 1 "
                    "                          AND x.day > (v.bound AT TIME ZONE 'UTC')::date) "
                    "                      + (SELECT count(*) FROM report_members t "
                    "                          WHERE t.store_id = p.store AND p.rolled = 1 AND t.last_at >= v.bound "
                    "                            AND t.last_at < (((v.bound AT TIME ZONE 'UTC')::date + 1)::timestamp "
                    "                                             AT TIME ZONE 'UTC')) AS n "
                    "                 FROM p, b, LATERAL (VALUES (1, b.b1), (2, b.b2), (3, b.b3)) v(i, bound)) y), "
                    "counts AS (SELECT (SELECT count(*) FROM members m WHERE m.store_id = (SELECT p.store FROM p)) AS members, "
                    "                  (rv.buyers + dv.buyers)::bigint AS buyers, (ge.g1 + dv.r1)::bigint AS r1, "
                    "                  (ge.g2 - ge.g1 + dv.r2)::bigint AS r2, (ge.g3 - ge.g2 + dv.r3)::bigint AS r3, "
                    "                  (rv.buyers - ge.g3 + dv.r4)::bigint AS r4, (rv.f1 + dv.f1)::bigint AS f1, "
                    "                  (rv.f2 + dv.f2)::bigint AS f2, (rv.f3 + dv.f3)::bigint AS f3, "
                    "                  (rv.f4 + dv.f4)::bigint AS f4, (rv.s0 + dv.s0)::bigint AS s0, "
                    "                  (rv.s1 + dv.s1)::bigint AS s1, (rv.s2 + dv.s2)::bigint AS s2, "
                    "                  (rv.s3 + dv.s3)::bigint AS s3, (rv.s4 + dv.s4)::bigint AS s4 "
                    "             FROM rv, dv, ge), "
                    "lt AS (SELECT j.member_id, coalesce(j.t_spend, 0) + j.spend AS spend FROM j "
                    // Not flattened: the ORDER BY below reads it in this
                    // order and stops at the LIMIT.
                    "        ORDER BY 2 DESC, 1 OFFSET 0), "
                    "cand AS ((SELECT t.member_id AS id FROM rolled t "
                    "           WHERE t.member_id NOT IN (SELECT lv.member_id FROM lv) "
                    "           ORDER BY t.spend DESC, t.member_id LIMIT :top) "
                    "         UNION (SELECT lt.member_id FROM lt WHERE EXISTS (SELECT 1 FROM members m "
                    "                  WHERE m.id = lt.member_id AND m.store_id = (SELECT p.store FROM p)) "
                    "                 ORDER BY lt.spend DESC, lt.member_id LIMIT :top3)), " +
                    kCustomers + ", best AS (SELECT " + kCustomerColumns +
                    " FROM c WHERE c.n > 0 ORDER BY c.spend DESC, c.id LIMIT :top2) "
                    "SELECT counts.*, best.* FROM counts LEFT JOIN best ON true ORDER BY best.spend DESC, best.id",
         soci::use(q.store_id), soci::use(rolled), soci::use(q.timezone), soci::use(now), soci::use(q.store_id),
         soci::use(since), soci::use(top), soci::use(top3), soci::use(top2));
    bool first = true;
    for (const auto& r : rs) {
      if (first) {
        auto count = [&](std::size_t i) { return r.get<long long>(i); };
        out.members = count(0);
        out.buyers = count(1);
        const long long never = out.members - out.buyers;
        auto add = [](core::CustomersReport::Buckets& b, const char* label, long long n) {
          if (n > 0) b.emplace_back(label, n);
        };
        // Each bucket that has members, in its natural order (labels as
        // docs/openapi.yaml has them).
        add(out.recency, "0-30", count(2));
        add(out.recency, "31-90", count(3));
        add(out.recency, "91-180", count(4));
        add(out.recency, "181+", count(5));
        add(out.recency, "never", never);
        add(out.frequency, "0", never);
        add(out.frequency, "1", count(6));
        add(out.frequency, "2-4", count(7));
        add(out.frequency, "5-9", count(8));
        add(out.frequency, "10+", count(9));
        add(out.spend, "0", never + count(10));
        add(out.spend, "1-99999", count(11));
        add(out.spend, "100000-499999", count(12));
        add(out.spend, "500000-1999999", count(13));
        add(out.spend, "2000000+", count(14));
        first = false;
      }
      if (r.get_indicator(kSegmentColumns) != soci::i_null) out.top.push_back(customer_from_row(r, kSegmentColumns));
    }
    // Each month's buyers on rolled days (report_months, when rolled in
    // this zone) and the live days' buyers not among them.
    const auto live_from = rolled_until(sql, q.store_id, q.timezone);
    int in_zone = live_from ? 1 : 0;
    std::string live_day = live_from.value_or("1970-01-01");
    soci::rowset<soci::row> months =
        (sql.prepare
             << "WITH p AS (SELECT CAST(:store AS text) AS store, CAST(:tz AS text) AS tz, to_timestamp(:now) AS now, "
                "                  CAST(:rolled AS integer) AS rolled, CAST(:live AS date) AS live), "
                "months AS (SELECT generate_series(date_trunc('month', p.now AT TIME ZONE p.tz) - interval '5 months', "
                "                                  date_trunc('month', p.now AT TIME ZONE p.tz), interval '1 month') AS m FROM p), "
                "lv AS (SELECT DISTINCT date_trunc('month', s.occurred_at AT TIME ZONE p.tz) AS m, s.member_id "
                "         FROM p JOIN sales s ON s.store_id = p.store AND s.member_id IS NOT NULL "
                "          AND s.occurred_at >= greatest((SELECT min(m) FROM months) AT TIME ZONE p.tz, "
                "                                        CASE WHEN p.rolled = 1 THEN p.live::timestamp AT TIME ZONE p.tz "
                "                                             ELSE '-infinity' END)) "
                "SELECT to_char(months.m, 'YYYY-MM'), "
                "       (coalesce((SELECT x.buyers FROM report_months x WHERE p.rolled = 1 AND x.store_id = p.store "
                "                     AND x.month = months.m::date), 0) "
                "        + (SELECT count(*) FROM lv WHERE lv.m = months.m AND NOT EXISTS (SELECT 1 FROM report_member_months x "
                "             WHERE p.rolled = 1 AND x.store_id = p.store AND x.month = months.m::date "
                "               AND x.member_id = lv.member_id)))::bigint "
                "  FROM p, months ORDER BY months.m",
         soci::use(q.store_id), soci::use(q.timezone), soci::use(now), soci::use(in_zone), soci::use(live_day));
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
    const auto until = members_rolled_until(sql, store_id);
    int rolled = until ? 1 : 0;
    long long since = until.value_or(kBeforeAllSales);
    // The page's candidates: the next members by rolled spend among those
    // who bought nothing since (report_members_spend, backwards), everyone
    // who did, and, when the former do not fill the page with spend above
    // 0, the next members by id who bought nothing at all (spend 0).
    soci::rowset<soci::row> rs =
        (sql.prepare
             << std::string("WITH ") + kLiveParams + "), " + kLive +
                    "rc AS (SELECT t.member_id, t.spend FROM rolled t "
                    "        WHERE t.member_id NOT IN (SELECT lv.member_id FROM lv) "
                    "          AND (:has = 0 OR (t.spend, t.member_id) < (:a, :b)) "
                    "        ORDER BY t.spend DESC, t.member_id DESC LIMIT :lim), "
                    "cand AS (SELECT rc.member_id AS id FROM rc UNION SELECT lv.member_id FROM lv "
                    "         UNION (SELECT m.id FROM p JOIN members m ON m.store_id = p.store "
                    "                 WHERE ((SELECT count(*) FROM rc) < :lim2 OR (SELECT min(rc.spend) FROM rc) <= 0) "
                    "                   AND NOT EXISTS (SELECT 1 FROM rolled t WHERE t.member_id = m.id) "
                    "                   AND m.id NOT IN (SELECT lv.member_id FROM lv) "
                    "                   AND (:has2 = 0 OR (0, m.id) < (:a2, :b2)) "
                    "                 ORDER BY m.id DESC LIMIT :lim3)), " +
                    kCustomers + "SELECT " + kCustomerColumns +
                    " FROM c WHERE (:has3 = 0 OR (c.spend, c.id) < (:a3, :b3)) "
                    "ORDER BY c.spend DESC, c.id DESC LIMIT :lim4",
         soci::use(store_id), soci::use(rolled), soci::use(store_id), soci::use(since), soci::use(has), soci::use(a),
         soci::use(b), soci::use(fetch), soci::use(fetch), soci::use(has), soci::use(a), soci::use(b), soci::use(fetch),
         soci::use(has), soci::use(a), soci::use(b), soci::use(fetch));
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
    const LiveFrom live = live_from(sql, q.store_id, q.timezone, q.from, q.to);
    soci::rowset<soci::row> rs =
        (sql.prepare
             << "WITH p AS (SELECT CAST(:store AS text) AS store, CAST(:tz AS text) AS tz, "
                "                  CAST(:d0 AS date) AS d0, CAST(:d1 AS date) AS d1, CAST(:live AS date) AS live_d0), "
                "b AS (SELECT p.*, ((p.d1 + 1)::timestamp AT TIME ZONE p.tz) AS hi FROM p), "
                "x AS (SELECT d.name, max(d.sku) AS sku, sum(d.qty) AS qty, sum(d.amount) AS amount "
                "        FROM b JOIN report_day_products d "
                "          ON d.store_id = b.store AND d.day >= b.d0 AND d.day < b.live_d0 GROUP BY d.name "
                "      UNION ALL "
                "      SELECT l.name, max(l.sku), sum(l.qty), sum(l.amount) FROM b JOIN sales s ON s.store_id = b.store "
                "         AND s.occurred_at >= to_timestamp(:lo) AND s.occurred_at < b.hi "
                "        JOIN sale_lines l ON l.sale_id = s.id AND l.store_id = s.store_id GROUP BY l.name) "
                "SELECT x.name, coalesce(max(x.sku), ''), sum(x.qty)::bigint, sum(x.amount)::bigint "
                "  FROM x GROUP BY x.name ORDER BY 4 DESC, 3 DESC, 1 LIMIT :lim",
         soci::use(q.store_id), soci::use(q.timezone), soci::use(q.from), soci::use(q.to), soci::use(live.day),
         soci::use(live.start), soci::use(limit));
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
