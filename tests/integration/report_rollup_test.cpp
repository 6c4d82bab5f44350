// The reports' rollups (migration 0025, core/scheduler/report_rollup_job.h)
// on the real PostgreSQL: what the reports answer from the rolled days is
// what they answer from the live rows alone (the report_rollups row taken
// away in a transaction that is rolled back), for stores with sales on
// several days, a late sale into a rolled day, refunds of old sales, days in
// Asia/Jakarta and in UTC, and two stores side by side. The job and the Pg
// adapters in-process (no setiad, no broker).
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
}

}  // namespace
}  // namespace setia::it
