// The reports' rollups (migration 0025, core/scheduler/report_rollup_job.h)
// on the real PostgreSQL: what the reports answer from the rolled days is
// what they answer from the live rows alone (the report_rollups row taken
// away in a transaction that is rolled back), for stores with sales on
// several days, a late sale into a rolled day, refunds of old sales, days in
// Asia/Jakarta and in UTC, and two stores side by side. The job and the Pg
// adapters in-process (no setiad, no broker).
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "adapters/postgres/pg_report_queries.h"
#include "adapters/postgres/pg_report_rollup_store.h"
#include "adapters/postgres/pg_session.h"
#include "core/scheduler/report_rollup_job.h"
#include "core/services/reports.h"
#include "points_support.h"

namespace setia::it {
namespace {

using adapters::postgres::PgReportQueries;
using adapters::postgres::PgReportRollupStore;
using adapters::postgres::PgSession;

constexpr const char* kJakarta = "Asia/Jakarta";

// A sale of `total` rupiah at hh:mm on the day `days_ago` days before today
// in `tz`, with one line of `product`; a member's earns total / 1000 points
// then. Returns its id.
long long add_sale(soci::session& sql, const std::string& store, const std::string& tz, int days_ago,
                   const std::string& hm, long long total, std::optional<long long> member,
                   const std::string& product) {
  const std::string event = unique("evt");
  const long long member_id = member.value_or(0);
  soci::indicator ind = member ? soci::i_ok : soci::i_null;
  long long id = 0;
  sql << "INSERT INTO sales (store_id, event_id, receipt_no, occurred_at, member_id, subtotal, total) "
         "VALUES (:s, :e, :e2, (((now() AT TIME ZONE :tz)::date - CAST(:d AS integer)) + CAST(:hm AS time)) AT TIME ZONE :tz2, :m, "
         ":t, :t2) RETURNING id",
      soci::use(store), soci::use(event), soci::use(event), soci::use(tz), soci::use(days_ago), soci::use(hm),
      soci::use(tz), soci::use(member_id, ind), soci::use(total), soci::use(total), soci::into(id);
  const std::string sku = "SKU-" + product;
  sql << "INSERT INTO sale_lines (sale_id, line_no, sku, name, qty, unit_price, amount, store_id) "
         "VALUES (:id, 1, :sku, :n, 1, :t, :t2, :s)",
      soci::use(id), soci::use(sku), soci::use(product), soci::use(total), soci::use(total), soci::use(store);
  if (member) {
    const long long points = total / 1000;
    sql << "INSERT INTO points_ledger (member_id, store_id, kind, points, remaining, sale_id, created_at) "
           "SELECT :m, :s, 'earn', :p, :p2, :id, occurred_at FROM sales WHERE id = :id2",
        soci::use(*member), soci::use(store), soci::use(points), soci::use(points), soci::use(id), soci::use(id);
  }
  return id;
}

// A refund of `amount` of sale `sale` made `days_ago` days before today at
// hh:mm in `tz`, as the refund statement leaves it: the refund, the sale's
// refunded, and the member's points reversed.
void add_refund(soci::session& sql, const std::string& store, long long sale, long long amount, const std::string& tz,
                int days_ago, const std::string& hm) {
  const std::string event = unique("ref");
  long long refund = 0;
  sql << "INSERT INTO refunds (store_id, event_id, sale_id, amount, occurred_at) "
         "VALUES (:s, :e, :sale, :a, (((now() AT TIME ZONE :tz)::date - CAST(:d AS integer)) + CAST(:hm AS time)) AT TIME ZONE :tz2) "
         "RETURNING id",
      soci::use(store), soci::use(event), soci::use(sale), soci::use(amount), soci::use(tz), soci::use(days_ago),
      soci::use(hm), soci::use(tz), soci::into(refund);
  sql << "UPDATE sales SET refunded = refunded + :a WHERE id = :id", soci::use(amount), soci::use(sale);
  sql << "INSERT INTO points_ledger (member_id, store_id, kind, points, sale_id, refund_id, created_at) "
         "SELECT s.member_id, s.store_id, 'reverse', -(:a / 1000), s.id, r.id, r.occurred_at "
         "  FROM sales s JOIN refunds r ON r.sale_id = s.id WHERE r.id = :r AND s.member_id IS NOT NULL",
      soci::use(amount), soci::use(refund);
}

// A member of `store` who joined `days_ago` days ago.
long long add_member(soci::session& sql, const std::string& store, int days_ago) {
  auto m = new_member(sql, store);
  sql << "UPDATE members SET created_at = now() - make_interval(days => :d) WHERE id = :id", soci::use(days_ago),
      soci::use(m.id);
  return m.id;
}

std::string text_of(const core::SalesPeriod& p) {
  std::ostringstream o;
  o << p.period << " sales " << p.sales << " amount " << p.amount << " member " << p.member_sales << "/"
    << p.member_amount << " points " << p.points_issued << "/" << p.points_redeemed << "/" << p.points_expired << "/"
    << p.points_reversed << "/" << p.points_adjusted << " vouchers " << p.vouchers_redeemed << "/" << p.voucher_discount
    << " refunds " << p.refunds << "/" << p.refunded << "/" << p.member_refunded << " new " << p.new_members
    << " claims " << p.promo_claims;
  return o.str();
}

std::string text_of(const core::CustomerRow& c) {
  std::ostringstream o;
  o << c.member_id << " " << c.code << " last " << c.last_purchase.value_or(-1) << " n " << c.purchases << " spend "
    << c.spend << " points " << c.points;
  return o.str();
}

std::string text_of(const core::TopProduct& t) {
  return t.name + " " + t.sku + " " + std::to_string(t.qty) + " " + std::to_string(t.amount);
}

template <typename T>
std::vector<std::string> texts(const std::vector<T>& items) {
  std::vector<std::string> out;
  for (const auto& i : items) out.push_back(text_of(i));
  return out;
}

// Everything the console's reports read of a store in `tz`: the last 60
// days by day and by month, the month's best products, the customers
// report and every member's row.
struct Answers {
  core::SalesPeriod total;  // of the days
  std::vector<std::string> by_day, by_month, top_products, top_customers, customers;
  core::CustomersReport::Buckets recency, frequency, spend, active_by_month;
  long long members = 0, buyers = 0;
};

Answers read(PgSession& session, const std::string& store, const std::string& tz) {
  PgReportQueries q(session);
  Answers a;
  std::string from, to;
  session.run([&](soci::session& sql) {
    sql << "SELECT to_char((now() AT TIME ZONE :tz)::date - 60, 'YYYY-MM-DD'), "
           "to_char((now() AT TIME ZONE :tz2)::date, 'YYYY-MM-DD')",
        soci::use(tz), soci::use(tz), soci::into(from), soci::into(to);
  });
  core::SalesReportQuery sq{.store_id = store, .timezone = tz, .from = from, .to = to, .by_month = false};
  auto days = q.sales_report(sq);
  EXPECT_TRUE(days) << days.error().message;
  if (days) {
    a.by_day = texts(*days);
    for (const auto& d : *days) core::add_to(a.total, d);
  }
  sq.by_month = true;
  auto months = q.sales_report(sq);
  EXPECT_TRUE(months) << months.error().message;
  if (months) a.by_month = texts(*months);
  auto top = q.top_products(sq, 5);
  EXPECT_TRUE(top) << top.error().message;
  if (top) a.top_products = texts(*top);
  const auto now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  auto c = q.customers_report({.store_id = store, .timezone = tz, .now = now, .top = 1});
  EXPECT_TRUE(c) << c.error().message;
  if (c) {
    a.top_customers = texts(c->top);
    a.recency = c->recency;
    a.frequency = c->frequency;
    a.spend = c->spend;
    a.active_by_month = c->active_by_month;
    a.members = c->members;
    a.buyers = c->buyers;
  }
  // Every member, two a page: the cursor crosses rolled and live spend.
  core::PageRequest page{.limit = 2};
  for (int i = 0; i < 50; ++i) {
    auto p = q.customers(store, page);
    EXPECT_TRUE(p) << p.error().message;
    if (!p) break;
    for (const auto& row : p->items) a.customers.push_back(text_of(row));
    if (!p->next) break;
    page.after = p->next;
  }
  return a;
}

// A sale of `total` rupiah by `member` `minutes_ago` minutes before the
// database's now (no lines, no points: the customers' segments read sales
// alone). Returns its id.
long long add_sale_ago(soci::session& sql, const std::string& store, long long minutes_ago, long long total,
                       long long member) {
  const std::string event = unique("evt");
  long long id = 0;
  sql << "INSERT INTO sales (store_id, event_id, receipt_no, occurred_at, member_id, subtotal, total) "
         "VALUES (:s, :e, :e2, now() - make_interval(mins => CAST(:m AS integer)), :mb, :t, :t2) RETURNING id",
      soci::use(store), soci::use(event), soci::use(event), soci::use(minutes_ago), soci::use(member),
      soci::use(total), soci::use(total), soci::into(id);
  return id;
}

std::string text_scalar(soci::session& sql, const std::string& query) {
  std::string out;
  soci::indicator ind = soci::i_null;
  sql << query, soci::into(out, ind);
  return ind == soci::i_ok ? out : "";
}

// The segments' counts (migration 0027) are the store's report_members rows
// counted: per frequency and spend bucket, and per UTC day of the last
// purchase.
void expect_counts_follow_members(soci::session& sql, const std::string& store, const std::string& what) {
  const std::string s = "'" + store + "'";
  EXPECT_EQ(text_scalar(sql, "SELECT string_agg(segment || ':' || bucket || '=' || buyers, ' ' ORDER BY segment, bucket) "
                             "FROM report_segments WHERE buyers <> 0 AND store_id = " + s),
            text_scalar(sql, "SELECT string_agg(g || ':' || b || '=' || n, ' ' ORDER BY g, b) FROM ("
                             "SELECT 'frequency' AS g, setia_frequency_bucket(purchases) AS b, count(*) AS n "
                             "FROM report_members WHERE store_id = " + s + " GROUP BY 2 UNION ALL "
                             "SELECT 'spend', setia_spend_bucket(spend), count(*) FROM report_members "
                             "WHERE store_id = " + s + " GROUP BY 2) x"))
      << what;
  EXPECT_EQ(text_scalar(sql, "SELECT string_agg(day || '=' || buyers, ' ' ORDER BY day) FROM report_last_days "
                             "WHERE store_id = " + s),
            text_scalar(sql, "SELECT string_agg(d || '=' || n, ' ' ORDER BY d) FROM (SELECT (last_at AT TIME ZONE "
                             "'UTC')::date AS d, count(*) AS n FROM report_members WHERE store_id = " + s +
                             " GROUP BY 1) x"))
      << what;
}

// The customers report's segments computed straight from the store's
// sales and members (each member's count, last sale, and total less
// refunded), with the buckets written out here: what docs/openapi.yaml
// says the report answers.
struct Segments {
  core::CustomersReport::Buckets recency, frequency, spend;
  long long members = 0, buyers = 0;
};

Segments direct_segments(soci::session& sql, const std::string& store, long long now) {
  std::map<std::string, long long> n;
  soci::rowset<soci::row> rs =
      (sql.prepare << "WITH m AS (SELECT s.member_id, count(*) AS n, max(s.occurred_at) AS last, "
                      "                  sum(s.total - s.refunded) AS spend "
                      "             FROM sales s WHERE s.store_id = :s AND s.member_id IS NOT NULL GROUP BY 1) "
                      "SELECT 'r' || CASE WHEN last >= to_timestamp(:now) - interval '30 days' THEN '0-30' "
                      "                   WHEN last >= to_timestamp(:now2) - interval '90 days' THEN '31-90' "
                      "                   WHEN last >= to_timestamp(:now3) - interval '180 days' THEN '91-180' "
                      "                   ELSE '181+' END, count(*) FROM m GROUP BY 1 "
                      "UNION ALL SELECT 'f' || CASE WHEN n = 1 THEN '1' WHEN n BETWEEN 2 AND 4 THEN '2-4' "
                      "                             WHEN n BETWEEN 5 AND 9 THEN '5-9' ELSE '10+' END, count(*) "
                      "            FROM m GROUP BY 1 "
                      "UNION ALL SELECT 's' || CASE WHEN spend = 0 THEN '0' WHEN spend BETWEEN 1 AND 99999 THEN '1-99999' "
                      "                             WHEN spend BETWEEN 100000 AND 499999 THEN '100000-499999' "
                      "                             WHEN spend BETWEEN 500000 AND 1999999 THEN '500000-1999999' "
                      "                             ELSE '2000000+' END, count(*) FROM m GROUP BY 1 "
                      "UNION ALL SELECT 'buyers', count(*) FROM m "
                      "UNION ALL SELECT 'members', count(*) FROM members WHERE store_id = :s2",
       soci::use(store), soci::use(now), soci::use(now), soci::use(now), soci::use(store));
  for (const auto& r : rs) n[r.get<std::string>(0)] = r.get<long long>(1);
  Segments out{.members = n["members"], .buyers = n["buyers"]};
  const long long never = out.members - out.buyers;
  n["rnever"] = never;
  n["f0"] = never;
  n["s0"] += never;
  auto fill = [&](core::CustomersReport::Buckets& b, char segment, std::vector<std::string> labels) {
    for (const auto& l : labels) {
      if (n[segment + l] > 0) b.emplace_back(l, n[segment + l]);
    }
  };
  fill(out.recency, 'r', {"0-30", "31-90", "91-180", "181+", "never"});
  fill(out.frequency, 'f', {"0", "1", "2-4", "5-9", "10+"});
  fill(out.spend, 's', {"0", "1-99999", "100000-499999", "500000-1999999", "2000000+"});
  return out;
}

// The same answers from the live rows alone: the store's report_rollups
// row deleted in a transaction that is rolled back.
Answers read_live(PgSession& session, const std::string& store, const std::string& tz) {
  session.run([&](soci::session& sql) {
    sql << "BEGIN";
    sql << "DELETE FROM report_rollups WHERE store_id = :s", soci::use(store);
  });
  Answers a = read(session, store, tz);
  session.run([](soci::session& sql) { sql << "ROLLBACK"; });
  return a;
}

void expect_same(const Answers& rolled, const Answers& live, const std::string& what) {
  EXPECT_EQ(rolled.by_day, live.by_day) << what;
  EXPECT_EQ(rolled.by_month, live.by_month) << what;
  EXPECT_EQ(rolled.top_products, live.top_products) << what;
  EXPECT_EQ(rolled.top_customers, live.top_customers) << what;
  EXPECT_EQ(rolled.customers, live.customers) << what;
  EXPECT_EQ(rolled.recency, live.recency) << what;
  EXPECT_EQ(rolled.frequency, live.frequency) << what;
  EXPECT_EQ(rolled.spend, live.spend) << what;
  EXPECT_EQ(rolled.active_by_month, live.active_by_month) << what;
  EXPECT_EQ(rolled.members, live.members) << what;
  EXPECT_EQ(rolled.buyers, live.buyers) << what;
}

// The totals of a report by day, e.g. "sales 7 amount 37000 refunds 1 refunded 2000".
std::string totals(const Answers& a) {
  return "sales " + std::to_string(a.total.sales) + " amount " + std::to_string(a.total.amount) + " refunds " +
         std::to_string(a.total.refunds) + " refunded " + std::to_string(a.total.refunded);
}

// A rule book in which `store`'s file has the zone `tz`.
std::shared_ptr<const rules::RuleBook> rules_with_timezone(const std::string& store, const std::string& tz) {
  auto rs = std::make_shared<rules::RuleSet>();
  rs->timezone = tz;
  auto book = std::make_shared<rules::RuleBook>();
  book->by_store[store] = rs;
  return book;
}

// A store's history over 40 days: members who joined on different days
// (one who never bought), sales with and without a member, two products,
// a sale just before and one just after the store's midnight, a refund.
struct History {
  std::string store;
  long long m1 = 0, m2 = 0, m3 = 0;
  long long old_sale = 0;
};

History seed(soci::session& sql, const std::string& prefix, const std::string& tz, long long unit) {
  History h{.store = unique(prefix)};
  h.m1 = add_member(sql, h.store, 45);
  h.m2 = add_member(sql, h.store, 20);
  h.m3 = add_member(sql, h.store, 2);
  h.old_sale = add_sale(sql, h.store, tz, 35, "10:00", 10 * unit, h.m1, "kopi");
  add_sale(sql, h.store, tz, 35, "12:00", 4 * unit, std::nullopt, "teh");
  add_sale(sql, h.store, tz, 12, "23:30", 6 * unit, h.m2, "kopi");
  add_sale(sql, h.store, tz, 11, "00:30", 7 * unit, h.m1, "teh");
  add_sale(sql, h.store, tz, 3, "09:15", 5 * unit, h.m2, "kopi");
  add_sale(sql, h.store, tz, 1, "20:00", 3 * unit, std::nullopt, "kopi");
  add_sale(sql, h.store, tz, 0, "00:05", 2 * unit, h.m1, "teh");
  add_refund(sql, h.store, h.old_sale, 2 * unit, tz, 34, "09:00");
  return h;
}

TEST(ReportRollup, RolledUpReportsAnswerAsTheLiveRowsDoForTwoStores) {
  migrate_once();
  auto sql = db();
  PgSession session(pg_conninfo());
  PgReportRollupStore rollups(session);
  auto a = seed(*sql, "rollup-a", kJakarta, 1000);
  auto b = seed(*sql, "rollup-b", "UTC", 3000);

  const Answers live_a = read(session, a.store, kJakarta), live_b = read(session, b.store, "UTC");
  EXPECT_EQ(totals(live_a), "sales 7 amount 37000 refunds 1 refunded 2000");
  EXPECT_EQ(totals(live_b), "sales 7 amount 111000 refunds 1 refunded 6000");

  auto days_a = rollups.roll_store(a.store, kJakarta);
  ASSERT_TRUE(days_a) << days_a.error().message;
  EXPECT_GE(*days_a, 35);  // from the first member's day to yesterday
  auto days_b = rollups.roll_store(b.store, "UTC");
  ASSERT_TRUE(days_b) << days_b.error().message;
  ASSERT_TRUE(rollups.roll_late());
  EXPECT_GE(scalar(*sql, "SELECT count(*) FROM report_days WHERE store_id = '" + a.store + "'"), 5);
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM report_members WHERE store_id = '" + a.store + "'"), 2);

  expect_same(read(session, a.store, kJakarta), live_a, "store a rolled up");
  expect_same(read(session, b.store, "UTC"), live_b, "store b rolled up");
}

TEST(ReportRollup, LateSalesAndRefundsOfOldSalesAreRolledAtTheNextRun) {
  migrate_once();
  auto sql = db();
  PgSession session(pg_conninfo());
  PgReportRollupStore rollups(session);
  auto a = seed(*sql, "rollup-late", kJakarta, 1000);
  ASSERT_TRUE(rollups.roll_store(a.store, kJakarta));
  ASSERT_TRUE(rollups.roll_late());

  // A till that was offline sends a sale of 9 days ago; a sale of 35 days
  // ago is refunded today and one of 12 days ago was refunded 4 days ago.
  add_sale(*sql, a.store, kJakarta, 9, "14:00", 8000, a.m2, "kue");
  add_refund(*sql, a.store, a.old_sale, 3000, kJakarta, 0, "00:01");
  const long long late_refunded =
      scalar(*sql, "SELECT id FROM sales WHERE store_id = '" + a.store + "' AND total = 6000");
  add_refund(*sql, a.store, late_refunded, 6000, kJakarta, 4, "11:00");

  // Until the job's next run the rolled days do not show them.
  EXPECT_NE(read(session, a.store, kJakarta).by_day, read_live(session, a.store, kJakarta).by_day);

  auto job = core::report_rollup_job(rollups, core::rules_from(rules_with_timezone(a.store, kJakarta)));
  auto r = job.run(std::chrono::system_clock::now());
  ASSERT_TRUE(r) << r.error();

  const Answers rolled = read(session, a.store, kJakarta), live = read_live(session, a.store, kJakarta);
  EXPECT_EQ(totals(live), "sales 8 amount 45000 refunds 3 refunded 11000");
  expect_same(rolled, live, "after the late rows");
}

// The segments from the rolled counts (0027) corrected by today's buyers
// are those of the raw sales: buyers on rolled days only, on rolled days
// and today (moving to other buckets of every segment), today only (a sale
// refunded in full: spend 0), a refund of a rolled day's sale (after the
// job's next run), and rolled last purchases ten minutes either side of
// each recency bound.
TEST(ReportRollup, SegmentCountsFromTheRollupAreThoseOfTheRawSales) {
  migrate_once();
  auto sql = db();
  PgSession session(pg_conninfo());
  PgReportRollupStore rollups(session);
  const std::string store = unique("rollup-seg");
  constexpr long long kDay = 24 * 60;
  const long long moves = add_member(*sql, store, 300), five = add_member(*sql, store, 300),
                  many = add_member(*sql, store, 300), refunded = add_member(*sql, store, 300),
                  today_only = add_member(*sql, store, 300);
  add_member(*sql, store, 300);  // never buys
  {
    // Members, no buyer yet: no top (the statement's one row has the
    // counts alone).
    PgReportQueries q(session);
    auto none = q.customers_report({.store_id = store, .timezone = kJakarta, .now = 0, .top = 2});
    ASSERT_TRUE(none) << none.error().message;
    EXPECT_EQ(none->members, 6);
    EXPECT_EQ(none->buyers, 0);
    EXPECT_TRUE(none->top.empty());
    EXPECT_EQ(none->recency, (core::CustomersReport::Buckets{{"never", 6}}));
  }
  add_sale_ago(*sql, store, 200 * kDay, 50000, moves);
  for (int i = 0; i < 4; ++i) add_sale_ago(*sql, store, (40 + 5 * i) * kDay, 100000, five);
  for (int i = 0; i < 10; ++i) add_sale_ago(*sql, store, (60 + i) * kDay, 250000, many);
  const long long old_sale = add_sale_ago(*sql, store, 102 * kDay, 60000, refunded);
  add_sale_ago(*sql, store, 101 * kDay, 60000, refunded);
  add_sale_ago(*sql, store, 100 * kDay, 30000, refunded);
  for (int bound : {30, 90, 180}) {
    add_sale_ago(*sql, store, bound * kDay - 10, 10000, add_member(*sql, store, 300));
    add_sale_ago(*sql, store, bound * kDay + 10, 10000, add_member(*sql, store, 300));
  }
  add_sale(*sql, store, kJakarta, 5, "12:00", 40000, std::nullopt, "teh");

  ASSERT_TRUE(rollups.roll_store(store, kJakarta));
  ASSERT_TRUE(rollups.roll_late());
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM report_members WHERE store_id = '" + store + "'"), 10);
  expect_counts_follow_members(*sql, store, "rolled");

  // Today (from the store's midnight, never in the future): `moves` buys
  // again (181+ to 0-30, 1 to 2-4, 1-99999 to 100000-499999), `five` a
  // fifth time (2-4 to 5-9, to 500000-1999999), `today_only` buys and is
  // refunded in full, an old sale of `refunded` is refunded (150,000 to
  // 90,000), and someone without a card buys.
  add_sale(*sql, store, kJakarta, 0, "00:00", 80000, moves, "kopi");
  add_sale(*sql, store, kJakarta, 0, "00:00", 100000, five, "kopi");
  const long long gone = add_sale(*sql, store, kJakarta, 0, "00:00", 120000, today_only, "kopi");
  add_refund(*sql, store, gone, 120000, kJakarta, 0, "00:00");
  add_refund(*sql, store, old_sale, 60000, kJakarta, 0, "00:00");
  add_sale(*sql, store, kJakarta, 0, "00:00", 20000, std::nullopt, "teh");
  // The refund of the rolled day's sale reaches report_members at the
  // job's next run (0025), its update through the counts' triggers.
  auto job = core::report_rollup_job(rollups, core::rules_from(rules_with_timezone(store, kJakarta)));
  auto r = job.run(std::chrono::system_clock::now());
  ASSERT_TRUE(r) << r.error();
  expect_counts_follow_members(*sql, store, "after the job's run");

  const auto now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  const Segments raw = direct_segments(*sql, store, now);
  using B = core::CustomersReport::Buckets;
  EXPECT_EQ(raw.members, 12);
  EXPECT_EQ(raw.buyers, 11);
  EXPECT_EQ(raw.recency, (B{{"0-30", 4}, {"31-90", 3}, {"91-180", 3}, {"181+", 1}, {"never", 1}}));
  EXPECT_EQ(raw.frequency, (B{{"0", 1}, {"1", 7}, {"2-4", 2}, {"5-9", 1}, {"10+", 1}}));
  EXPECT_EQ(raw.spend, (B{{"0", 2}, {"1-99999", 7}, {"100000-499999", 1}, {"500000-1999999", 1}, {"2000000+", 1}}));

  PgReportQueries q(session);
  auto rolled = q.customers_report({.store_id = store, .timezone = kJakarta, .now = now, .top = 2});
  ASSERT_TRUE(rolled) << rolled.error().message;
  EXPECT_EQ(rolled->recency, raw.recency);
  EXPECT_EQ(rolled->frequency, raw.frequency);
  EXPECT_EQ(rolled->spend, raw.spend);
  EXPECT_EQ(rolled->members, raw.members);
  EXPECT_EQ(rolled->buyers, raw.buyers);
  // And the live path's (no rollup) answer is the same.
  session.run([&](soci::session& s) {
    s << "BEGIN";
    s << "DELETE FROM report_rollups WHERE store_id = :s", soci::use(store);
  });
  auto live = q.customers_report({.store_id = store, .timezone = kJakarta, .now = now, .top = 2});
  session.run([](soci::session& s) { s << "ROLLBACK"; });
  ASSERT_TRUE(live) << live.error().message;
  EXPECT_EQ(live->recency, raw.recency);
  EXPECT_EQ(live->frequency, raw.frequency);
  EXPECT_EQ(live->spend, raw.spend);
  // The top two: one who bought only on rolled days and one of today's
  // three buyers (the third left out by the LIMIT on today's).
  ASSERT_EQ(rolled->top.size(), 2u);
  EXPECT_EQ(rolled->top[0].member_id, many);
  EXPECT_EQ(rolled->top[1].member_id, five);
  EXPECT_EQ(rolled->top[1].spend, 500000);
  EXPECT_EQ(texts(rolled->top), texts(live->top));
}

TEST(ReportRollup, DaysAreTheStoresDaysInItsZoneAndAnotherZoneReadsLive) {
  migrate_once();
  auto sql = db();
  PgSession session(pg_conninfo());
  PgReportRollupStore rollups(session);
  auto a = seed(*sql, "rollup-tz", kJakarta, 1000);
  ASSERT_TRUE(rollups.roll_store(a.store, kJakarta));

  // 23:30 and 00:30 in Jakarta (UTC+7) are 16:30 and 17:30 UTC of the
  // day before: two days in Jakarta, one in UTC.
  const Answers jakarta = read(session, a.store, kJakarta), utc = read(session, a.store, "UTC");
  auto day_of = [&](const Answers& x, long long amount) {
    for (const auto& d : x.by_day) {
      if (d.find(" amount " + std::to_string(amount) + " ") != std::string::npos) return d.substr(0, 10);
    }
    return std::string("none");
  };
  const std::string late_evening = day_of(jakarta, 6000), after_midnight = day_of(jakarta, 7000);
  EXPECT_NE(late_evening, after_midnight);
  EXPECT_EQ(day_of(utc, 13000), late_evening);  // both in one UTC day
  expect_same(jakarta, read_live(session, a.store, kJakarta), "Jakarta, rolled in Jakarta");
  expect_same(utc, read_live(session, a.store, "UTC"), "UTC, rolled in Jakarta");

  // The store's zone changes to UTC: its days are rolled again in UTC.
  ASSERT_TRUE(rollups.roll_store(a.store, "UTC"));
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM report_rollups WHERE tz = 'UTC' AND store_id = '" + a.store + "'"), 1);
  expect_same(read(session, a.store, "UTC"), read_live(session, a.store, "UTC"), "UTC, rolled in UTC");
  expect_counts_follow_members(*sql, a.store, "rolled again in UTC");
}

}  // namespace
}  // namespace setia::it
