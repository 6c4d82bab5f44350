// Every table carries its store (migration 0016; docs/operations.md,
// "Distributing by store"): a table without a NOT NULL store_id fails
// here by name; the rows the sale, push, device, password and login paths
// write carry their parent's store, and statements naming a store leave
// another store's rows alone; a database populated at schema 15 gets each
// row's store from its parent when it migrates to 16. The Pg adapters and
// the migrator in-process on the real PostgreSQL (no setiad, no broker).
#include <algorithm>
#include <ctime>
#include <map>
#include <sstream>

#include <gtest/gtest.h>
#include <soci/postgresql/soci-postgresql.h>
#include <nlohmann/json.hpp>

#include "adapters/postgres/migrator.h"
#include "adapters/postgres/pg_credential_store.h"
#include "adapters/postgres/pg_device_store.h"
#include "adapters/postgres/pg_login_failure_store.h"
#include "adapters/postgres/pg_member_history.h"
#include "adapters/postgres/pg_outbox_store.h"
#include "adapters/postgres/pg_profile_store.h"
#include "adapters/postgres/pg_reservation_store.h"
#include "adapters/postgres/pg_session.h"
#include "points_support.h"

namespace setia::it {
namespace {

// The tables that belong to no store, each with why.
const std::map<std::string, std::string> kNoStore = {
    {"schema_migrations", "the migrator's record of the schema's versions"},
    {"report_rollup_marks",
     "the report-rollup job's marks of the source tables' ids, one sequence each for all stores"},
};
// The tables whose store_id may be NULL, each with why.
const std::map<std::string, std::string> kStoreMayBeNull = {
    {"dead_letters", "a message on a topic that names no store is kept too, with none"},
    {"api_tokens", "an operator's admin token for every store (admin token create --all) has none"},
    {"admins", "an operator, the vendor's, is of every store and has none (docs/admin-accounts.md)"},
};

// Each base table of Setia's schema that has no store_id column, or one
// that is not text, or one that may be NULL, with what is wrong with it.
std::map<std::string, std::string> tables_without_store(soci::session& sql) {
  std::map<std::string, std::string> out;
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT t.table_name::text, coalesce(c.data_type::text, ''), coalesce(c.is_nullable::text, '') "
                      "FROM information_schema.tables t LEFT JOIN information_schema.columns c "
                      "  ON c.table_schema = t.table_schema AND c.table_name = t.table_name "
                      "  AND c.column_name = 'store_id' "
                      "WHERE t.table_schema = current_schema() AND t.table_type = 'BASE TABLE' "
                      "ORDER BY t.table_name");
  for (const auto& r : rows) {
    const auto table = r.get<std::string>(0), type = r.get<std::string>(1), nullable = r.get<std::string>(2);
    if (type.empty()) {
      out[table] = "no store_id column";
    } else if (type != "text") {
      out[table] = "store_id is " + type + ", not text like every other table's";
    } else if (nullable == "YES") {
      out[table] = "store_id may be NULL";
    }
  }
  return out;
}

// Rows of the seven tables of 0016, and of 0019's, whose store is not
// their parent's (login failures have none: their store is the login's,
// checked where written).
std::map<std::string, long long> rows_off_their_parents_store(soci::session& sql) {
  const std::map<std::string, std::string> queries = {
      {"sale_lines",
       "SELECT count(*) FROM sale_lines l JOIN sales s ON s.id = l.sale_id WHERE l.store_id <> s.store_id"},
      {"sale_vouchers",
       "SELECT count(*) FROM sale_vouchers v JOIN sales s ON s.id = v.sale_id WHERE v.store_id <> s.store_id"},
      {"devices", "SELECT count(*) FROM devices d JOIN members m ON m.id = d.member_id WHERE d.store_id <> m.store_id"},
      {"member_credentials",
       "SELECT count(*) FROM member_credentials c JOIN members m ON m.id = c.member_id WHERE c.store_id <> m.store_id"},
      {"outbox",
       "SELECT count(*) FROM outbox o JOIN notifications n ON n.id = o.notification_id WHERE o.store_id <> n.store_id"},
      {"points_expiry_reminders",
       "SELECT count(*) FROM points_expiry_reminders r JOIN points_ledger l ON l.id = r.lot_id "
       "WHERE r.store_id <> l.store_id"},
      // 0019_privacy.sql: a member's consents and erasure.
      {"consents",
       "SELECT count(*) FROM consents c JOIN members m ON m.id = c.member_id WHERE c.store_id <> m.store_id"},
      {"member_erasures",
       "SELECT count(*) FROM member_erasures e JOIN members m ON m.id = e.member_id WHERE e.store_id <> m.store_id"},
  };
  std::map<std::string, long long> out;
  for (const auto& [table, query] : queries) {
    if (long long n = scalar(sql, query); n > 0) out[table] = n;
  }
  return out;
}

template <typename Map>
std::string listed(const Map& m) {
  std::ostringstream s;
  for (const auto& [k, v] : m) s << "\n  " << k << ": " << v;
  return s.str();
}

// A code in the canonical V-XXXX-XXXX-XXXX form (setia_normalize_voucher_code).
std::string voucher_code() {
  static constexpr char kAlphabet[] = "23456789ABCDEFGHJKMNPQRSTVWXYZ";
  std::string c = "V-";
  auto r = random64();
  for (int i = 0; i < 12; ++i) {
    if (i == 4 || i == 8) c += '-';
    c += kAlphabet[r % 30];
    r /= 30;
  }
  return c;
}

// Named strings: soci::use keeps a reference, which a temporary would not
// outlive (the statement runs at the end of the full expression).
const std::string kTerms = R"({"kind": "amount_off", "amount_off": 5000, "valid_days": 30})";
const std::string kHash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g";

// A sale of `member_code` in `store`: two lines and, when given, voucher codes.
std::string two_line_sale(const std::string& store, const std::string& event, const std::string& member_code,
                          const std::vector<std::string>& vouchers) {
  auto j = sale(store, event, "R-" + event, 2, 25000, member_code);
  j["items"].push_back({{"sku", "ET-01"}, {"name", "Es Teh"}, {"qty", 1}, {"unit_price", 5000}});
  j["subtotal"] = 55000;
  j["total"] = 55000;
  if (!vouchers.empty()) j["vouchers"] = vouchers;
  return j.dump();
}

// setia_apply_sale as the daemon calls it (10 points expiring in 3 days).
nlohmann::json apply_sale(soci::session& sql, const std::string& store, const std::string& event,
                          const std::string& body) {
  std::string result;
  sql << "SELECT setia_apply_sale(:s, :e, CAST(:j AS jsonb), 10, 'v1', '{}'::text[], now() + interval '3 days', "
         "'setia/' || :s2 || '/pos/sale', '')::text",
      soci::use(store), soci::use(event), soci::use(body), soci::use(store), soci::into(result);
  return nlohmann::json::parse(result);
}

TEST(StoreIdEverywhere, EveryTableHasANotNullTextStoreId) {
  migrate_once();
  auto sql = db();
  auto wrong = tables_without_store(*sql);
  for (const auto& [table, why] : kNoStore) {
    EXPECT_EQ(wrong.count(table), 1u) << table << " is allowed no store_id (" << why
                                      << ") but has one: drop it from kNoStore";
    wrong.erase(table);
  }
  for (const auto& [table, why] : kStoreMayBeNull) {
    EXPECT_EQ(wrong[table], "store_id may be NULL") << table << " (" << why << "): kStoreMayBeNull is out of date";
    wrong.erase(table);
  }
  EXPECT_TRUE(wrong.empty()) << "every table carries its store (docs/operations.md, \"Distributing by store\"):"
                             << listed(wrong);
}

TEST(StoreIdEverywhere, RowsCarryTheirParentsStoreAndStatementsStayInTheirStore) {
  migrate_once();
  auto sql = db();
  const std::string store = unique("kopi"), other = unique("teh");
  auto ocha = new_member(*sql, store);
  auto budi = new_member(*sql, other);
  adapters::postgres::PgSession session(pg_conninfo());

  adapters::postgres::PgCredentialStore credentials(session);
  ASSERT_TRUE(credentials.set_password(store, ocha.id, kHash));
  auto hash = credentials.password_hash(store, ocha.id);
  ASSERT_TRUE(hash);
  EXPECT_EQ(hash->value_or(""), kHash);
  auto elsewhere = credentials.password_hash(other, ocha.id);
  ASSERT_TRUE(elsewhere);
  EXPECT_FALSE(*elsewhere) << "a member's password is read in the member's store only";

  adapters::postgres::PgDeviceStore devices(session);
  const std::string token = unique("tok"), budis_token = unique("tok");
  auto added = devices.add_device(store, ocha.id, token, "android", 5);
  ASSERT_TRUE(added);
  EXPECT_EQ(*added, core::DeviceStore::AddDevice::added);
  ASSERT_TRUE(devices.add_device(other, budi.id, budis_token, "ios", 5));
  auto held = devices.add_device(other, budi.id, token, "android", 5);
  ASSERT_TRUE(held);
  EXPECT_EQ(*held, core::DeviceStore::AddDevice::held_by_another) << "a token is one member's, in any store";
  auto wrong_store = devices.add_device(other, ocha.id, unique("tok"), "android", 5);
  EXPECT_FALSE(wrong_store) << "a member is found in their own store only";

  // A sale with a member, two lines, a good and an unknown voucher: lines,
  // vouchers, the earn lot, the notification and the device's outbox row.
  const std::string code = voucher_code();
  *sql << "SELECT (setia_insert_voucher(:s, :m, :c, 'Diskon', CAST(:t AS jsonb), 'admin', NULL, now())).id",
      soci::use(store), soci::use(ocha.id), soci::use(code), soci::use(kTerms);
  const std::string event = unique("e");
  auto result = apply_sale(*sql, store, event, two_line_sale(store, event, ocha.code, {code, "V-ZZZZ-ZZZZ-ZZZZ"}));
  ASSERT_EQ(result["status"], "applied") << result.dump();
  ASSERT_EQ(result["vouchers"].size(), 2u) << result.dump();
  const long long sale_id = scalar(*sql, "SELECT id FROM sales WHERE store_id = '" + store + "'");
  const std::string sale = std::to_string(sale_id);
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM sale_lines WHERE sale_id = " + sale + " AND store_id = '" + store + "'"),
            2);
  EXPECT_EQ(
      scalar(*sql, "SELECT count(*) FROM sale_vouchers WHERE sale_id = " + sale + " AND store_id = '" + store + "'"),
      2);

  // The refund's plan reads the lines through the sale's store.
  std::string plan;
  const std::string refund = unique("refund"), receipt = "R-" + event;
  *sql << "SELECT setia_plan_refund(:s, :e, :r)::text", soci::use(store), soci::use(refund), soci::use(receipt),
      soci::into(plan);
  EXPECT_EQ(nlohmann::json::parse(plan)["sale"]["items"].size(), 2u) << plan;

  // The reminder of the lot (it expires in 3 days), an announcement, an
  // admins' alert: each with its outbox rows in the store.
  long long reminded = 0, announced = 0;
  *sql << "SELECT setia_remind_expiring(:s, 'Asia/Jakarta', current_date, now(), now() + interval '7 days')",
      soci::use(store), soci::into(reminded);
  EXPECT_EQ(reminded, 1);
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM points_expiry_reminders WHERE store_id = '" + store + "'"), 1);
  // Announced to a member who consents (0019_privacy.sql): the consent is a row of the store too.
  *sql << "SELECT setia_record_consent(:s, :m, 'push_promo', true, 'app', '127.0.0.1', NULL, NULL, NULL)",
      soci::use(store), soci::use(ocha.id);
  *sql << "SELECT setia_announce_promo(:s, 'launch', current_date, '{}'::jsonb)", soci::use(store),
      soci::into(announced);
  EXPECT_EQ(announced, 1);
  const std::string alert = unique("alert");
  *sql << "SELECT setia_notify_admins(:s, 'dead_letters', '{}'::jsonb, :d)", soci::use(store), soci::use(alert);
  EXPECT_EQ(
      scalar(*sql, "SELECT count(*) FROM outbox WHERE store_id = '" + store + "' AND device_token = '" + token + "'"),
      3)
      << "the sale's, the reminder's and the announcement's push to the member's device";
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM outbox WHERE store_id = '" + store + "' AND fcm_topic IS NOT NULL"), 1);

  // The dispatcher marks a row under the store it was claimed with.
  adapters::postgres::PgOutboxStore outbox(pg_conninfo());
  const long long row = scalar(*sql, "SELECT min(id) FROM outbox WHERE store_id = '" + store + "'");
  const std::string row_text = std::to_string(row);
  ASSERT_TRUE(outbox.mark_sent(other, row));
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM outbox WHERE id = " + row_text + " AND status = 'pending'"), 1)
      << "another store's statement leaves the row alone";
  ASSERT_TRUE(outbox.mark_sent(store, row));
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM outbox WHERE id = " + row_text + " AND status = 'sent'"), 1);
  ASSERT_TRUE(outbox.drop_device(other, token, "test"));
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM devices WHERE token = '" + token + "'"), 1);
  ASSERT_TRUE(outbox.drop_device(store, token, "test"));
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM devices WHERE token = '" + token + "'"), 0);
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM outbox WHERE device_token = '" + token + "' AND status = 'pending'"), 0);
  auto removed = devices.remove_device(store, budi.id, budis_token);
  ASSERT_TRUE(removed);
  EXPECT_FALSE(*removed) << "Budi's device is in his store";
  removed = devices.remove_device(other, budi.id, budis_token);
  ASSERT_TRUE(removed);
  EXPECT_TRUE(*removed);

  // Login failures count per store.
  adapters::postgres::PgLoginFailureStore failures(session);
  const std::int64_t now = std::time(nullptr);
  const std::string account = "ocha@example.com|" + store;
  ASSERT_TRUE(failures.add_login_failure(store, account, "10.0.0.1", now, now - 900));
  auto counted = failures.login_failures(store, account, "10.0.0.2", now - 900);
  ASSERT_TRUE(counted);
  EXPECT_EQ(counted->count, 1);
  EXPECT_EQ(counted->from_address, 0) << "counted per address too";
  counted = failures.login_failures(other, account, "10.0.0.1", now - 900);
  ASSERT_TRUE(counted);
  EXPECT_EQ(counted->count, 0);
  ASSERT_TRUE(failures.clear_login_failures(store, account, "10.0.0.1"));
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM login_failures WHERE store_id = '" + store + "'"), 0);

  // And nothing any test wrote so far sits in another store than its parent.
  auto off = rows_off_their_parents_store(*sql);
  EXPECT_TRUE(off.empty()) << "rows whose store_id is not their parent's:" << listed(off);
}

// Migration 0026: the refund and the points functions find rows by store
// and id. A store's call naming another store's sale or member finds
// nothing and changes nothing (until 0026 each found the row by its id
// alone and changed it); in the row's own store each works as before.
TEST(StoreIdEverywhere, TheRefundAndThePointsFunctionsFindRowsByIdInTheirStoreOnly) {
  migrate_once();
  auto sql = db();
  const std::string store = unique("kopi"), other = unique("teh");
  auto ocha = new_member(*sql, store);
  auto budi = new_member(*sql, other);

  // Budi's sale in his store: 10 points, his voucher redeemed on it.
  const std::string code = voucher_code();
  *sql << "SELECT (setia_insert_voucher(:s, :m, :c, 'Diskon', CAST(:t AS jsonb), 'admin', NULL, now())).id",
      soci::use(other), soci::use(budi.id), soci::use(code), soci::use(kTerms);
  const std::string event = unique("e");
  auto sold = apply_sale(*sql, other, event, two_line_sale(other, event, budi.code, {code}));
  ASSERT_EQ(sold["status"], "applied") << sold.dump();
  ASSERT_EQ(sold["vouchers"][0]["redeemed"], true) << sold.dump();
  const long long budis_sale = scalar(*sql, "SELECT id FROM sales WHERE store_id = '" + other + "'");
  const std::string sale_text = std::to_string(budis_sale), budi_text = std::to_string(budi.id);
  ASSERT_EQ(balance(*sql, budi.id), 10);

  // The whole sale refunded, naming Budi's sale id, as the daemon calls it.
  const std::string body = R"({"amount": 55000, "occurred_at": "2026-01-01T00:00:00Z", "receipt_no": "R-x"})";
  auto refund = [&](const std::string& in_store, const std::string& refund_event) {
    std::string answer;
    long long sale_id = budis_sale, expected = 0, reversal = 10;
    *sql << "SELECT setia_apply_refund(:s, :e, CAST(:b AS jsonb), :sale, :exp, :rev, 'setia/x/pos/refund', '')::text",
        soci::use(in_store), soci::use(refund_event), soci::use(body), soci::use(sale_id), soci::use(expected),
        soci::use(reversal), soci::into(answer);
    return nlohmann::json::parse(answer);
  };
  const std::string elsewhere = unique("refund");
  auto stale = refund(store, elsewhere);
  EXPECT_EQ(stale, nlohmann::json({{"stale", true}})) << "another store's sale id is no sale of this store";
  EXPECT_EQ(scalar(*sql, "SELECT refunded FROM sales WHERE id = " + sale_text), 0);
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM refunds WHERE sale_id = " + sale_text), 0);
  EXPECT_EQ(balance(*sql, budi.id), 10) << "no points taken back";
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM vouchers WHERE code = '" + code + "' AND status = 'redeemed'"), 1);
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM events WHERE event_id = '" + elsewhere + "'"), 0)
      << "the claim is given back: the daemon plans again, in its store";
  auto applied = refund(other, unique("refund"));
  EXPECT_EQ(applied["status"], "applied") << applied.dump();
  EXPECT_EQ(applied["member"]["points_reversed"], 10) << applied.dump();
  EXPECT_EQ(applied["vouchers"][0]["reactivated"], true) << applied.dump();
  EXPECT_EQ(balance(*sql, budi.id), 0);
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM points_ledger WHERE member_id = " + budi_text +
                             " AND kind = 'reverse' AND refund_id IS NOT NULL AND store_id = '" + other + "'"),
            1)
      << "the reversal is linked to its refund, in the sale's store";
  expect_ledger_consistent(*sql, budi.id, "after his refund");

  // The points functions with Budi's id and Ocha's store: no member there.
  credit(*sql, budi.id, 30);  // no store named: the member's
  ASSERT_EQ(balance(*sql, budi.id), 30);
  long long budi_id = budi.id;
  auto refused = [&](const std::string& statement) -> std::string {
    try {
      *sql << statement, soci::use(budi_id), soci::use(store);
    } catch (const soci::postgresql_soci_error& e) {
      return e.sqlstate() + " " + e.what();
    }
    return "";
  };
  EXPECT_NE(refused("SELECT setia_credit_points(:m, 5, 'earn', p_store => :s)").find("no member"), std::string::npos);
  EXPECT_NE(refused("SELECT * FROM setia_take_points(:m, 5, 'reverse', p_store => :s)").find("no member"),
            std::string::npos);
  long long spent = 0;
  soci::indicator spent_i = soci::i_ok;
  *sql << "SELECT setia_spend_points(:m, 5, 'redeem', p_store => :s)", soci::use(budi_id), soci::use(store),
      soci::into(spent, spent_i);
  EXPECT_EQ(spent_i, soci::i_null) << "nothing to spend in another store";
  EXPECT_EQ(balance(*sql, budi.id), 30);

  // In his store, and by his code (an operator's adjustment, any store).
  *sql << "SELECT setia_spend_points(:m, 5, 'redeem', p_store => :s)", soci::use(budi_id), soci::use(other),
      soci::into(spent, spent_i);
  EXPECT_EQ(spent, 25);
  std::string adjusted;
  *sql << "SELECT setia_adjust_points(:c, -4, 'test', 'cli:test')::text", soci::use(budi.code), soci::into(adjusted);
  EXPECT_EQ(nlohmann::json::parse(adjusted)["after"], 21) << adjusted;
  expect_ledger_consistent(*sql, budi.id, "after the points functions");
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM points_ledger WHERE member_id = " + budi_text + " AND store_id <> '" +
                             other + "'"),
            0)
      << "every ledger row of Budi's is of his store";
  EXPECT_EQ(balance(*sql, ocha.id), 0);
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM points_ledger WHERE store_id = '" + store + "'"), 0)
      << "nothing was written in Ocha's store";
}

// The REST API's reads and writes of a member's rows by member, sale,
// voucher or reservation id name the caller's store (the token's, or the
// store of the member an admin found): the Pg adapters given Ocha's store
// and Budi's ids find none of Budi's rows and change none. Each call here
// found and changed Budi's row when it named his id alone.
TEST(StoreIdEverywhere, TheApisReadsAndWritesByIdStayInTheCallersStore) {
  migrate_once();
  auto sql = db();
  const std::string store = unique("kopi"), other = unique("teh");
  auto ocha = new_member(*sql, store);
  auto budi = new_member(*sql, other);
  adapters::postgres::PgSession session(pg_conninfo());

  // Budi's rows in his store: a sale (with its points' notification), a
  // voucher of his, a booking.
  const std::string code = voucher_code();
  *sql << "SELECT (setia_insert_voucher(:s, :m, :c, 'Diskon', CAST(:t AS jsonb), 'admin', NULL, now())).id",
      soci::use(other), soci::use(budi.id), soci::use(code), soci::use(kTerms);
  const std::string event = unique("e");
  ASSERT_EQ(apply_sale(*sql, other, event, two_line_sale(other, event, budi.code, {}))["status"], "applied");
  const long long sale_id = scalar(*sql, "SELECT id FROM sales WHERE store_id = '" + other + "'");
  adapters::postgres::PgReservationStore reservations(session);
  const std::int64_t at = std::time(nullptr) + 7 * 86400;
  auto booked = reservations.book({.store_id = other,
                                   .member_id = budi.id,
                                   .party = 2,
                                   .starts_at = at,
                                   .ends_at = at + 5400,
                                   .date = "2031-05-10",
                                   .time = "19:00",
                                   .note = std::nullopt},
                                  10, 2, 20, at - 86400, false);
  ASSERT_TRUE(booked.has_value()) << booked.error().message;
  ASSERT_TRUE(booked->reservation.has_value());
  const long long booking = booked->reservation->id;
  const std::string booking_text = std::to_string(booking);
  const core::PageRequest page{};

  adapters::postgres::PgProfileStore profiles(session);
  auto profile = profiles.profile(store, budi.id);
  ASSERT_TRUE(profile);
  EXPECT_FALSE(*profile) << "Budi is no member of Ocha's store";
  profile = profiles.profile(other, budi.id);
  ASSERT_TRUE(profile);
  EXPECT_TRUE(*profile);
  core::ProfilePatch rename;
  rename.name = "Not Budi";
  rename.actor = "member";
  auto renamed = profiles.update_profile(store, budi.id, rename);
  ASSERT_FALSE(renamed);
  ASSERT_NE(renamed.error().refusal(), nullptr);
  EXPECT_EQ(*renamed.error().refusal(), core::ProfileStore::PatchError::no_such_member);
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM members WHERE id = " + std::to_string(budi.id) + " AND name = 'Ocha'"),
            1)
      << "his name is unchanged";

  adapters::postgres::PgMemberHistory history(session);
  auto sales = history.member_transactions(store, budi.id, page);
  ASSERT_TRUE(sales);
  EXPECT_TRUE(sales->items.empty());
  sales = history.member_transactions(other, budi.id, page);
  ASSERT_TRUE(sales);
  EXPECT_EQ(sales->items.size(), 1u);
  auto sale = history.transaction(sale_id, budi.id, store);
  ASSERT_TRUE(sale);
  EXPECT_FALSE(*sale) << "his sale, asked for in Ocha's store";
  sale = history.transaction(sale_id, budi.id, other);
  ASSERT_TRUE(sale);
  EXPECT_TRUE(*sale);
  auto notices = history.notifications(store, budi.id, page);
  ASSERT_TRUE(notices);
  EXPECT_TRUE(notices->items.empty());
  notices = history.notifications(other, budi.id, page);
  ASSERT_TRUE(notices);
  EXPECT_EQ(notices->items.size(), 1u) << "the sale's points";
  auto vouchers = history.member_vouchers(store, budi.id, page);
  ASSERT_TRUE(vouchers);
  EXPECT_TRUE(vouchers->items.empty());
  vouchers = history.member_vouchers(other, budi.id, page);
  ASSERT_TRUE(vouchers);
  EXPECT_EQ(vouchers->items.size(), 1u);
  auto voucher = history.member_voucher(store, budi.id, code);
  ASSERT_TRUE(voucher);
  EXPECT_FALSE(*voucher);
  voucher = history.member_voucher(other, budi.id, code);
  ASSERT_TRUE(voucher);
  EXPECT_TRUE(*voucher);

  auto found = reservations.find(store, booking);
  ASSERT_TRUE(found);
  EXPECT_FALSE(*found) << "his booking, asked for in Ocha's store";
  found = reservations.find(std::nullopt, booking);
  ASSERT_TRUE(found);
  EXPECT_TRUE(*found) << "an operator's scope is every store";
  auto mine = reservations.of_member(store, budi.id, page);
  ASSERT_TRUE(mine);
  EXPECT_TRUE(mine->items.empty());
  auto cancelled = reservations.set_status(store, booking, "cancelled", true, true);
  ASSERT_TRUE(cancelled);
  EXPECT_FALSE(*cancelled);
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM reservations WHERE id = " + booking_text + " AND status = 'pending'"), 1)
      << "Ocha's store cannot cancel Budi's booking";
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM notifications WHERE data->>'reservation_id' = '" + booking_text + "'"),
            0)
      << "and tells no one";
  auto confirmed = reservations.set_status(other, booking, "confirmed", true, false);
  ASSERT_TRUE(confirmed);
  ASSERT_TRUE(*confirmed);
  EXPECT_EQ((*confirmed)->status, "confirmed");
  EXPECT_EQ((*confirmed)->member_code, budi.code) << "the member joined in the booking's store";
  mine = reservations.of_member(other, budi.id, page);
  ASSERT_TRUE(mine);
  EXPECT_EQ(mine->items.size(), 1u);
  auto own = profiles.profile(store, ocha.id);
  ASSERT_TRUE(own);
  EXPECT_TRUE(*own) << "Ocha is read in her store";
}

TEST(StoreIdMigration, ADatabasePopulatedAtFifteenTakesEachRowsStoreFromItsParent) {
  ScratchDatabase scratch;
  auto applied = adapters::postgres::migrate(scratch.conninfo(), 15);
  ASSERT_TRUE(applied) << applied.error();
  ASSERT_EQ(adapters::postgres::schema_version(scratch.conninfo()).value_or(-1), 15);

  // What a shop has at 15: two stores, a member each with a password and a
  // device, a sale each (A's with a voucher and two lines), A's expiry
  // reminder, B's admins' alert, failed logins of the three kinds.
  {
    soci::session sql(soci::postgresql, scratch.conninfo());
    const std::string a = "kopi-a", b = "teh-b";
    auto ocha = new_member(sql, a);
    auto budi = new_member(sql, b);
    for (const auto& m : {ocha, budi}) {
      sql << "INSERT INTO member_credentials (member_id, password_hash) VALUES (:m, :h)", soci::use(m.id),
          soci::use(kHash);
      sql << "INSERT INTO devices (token, member_id) VALUES ('tok-' || :c, :m)", soci::use(m.code), soci::use(m.id);
    }
    const std::string code = voucher_code();
    sql << "SELECT (setia_insert_voucher(:s, :m, :c, 'Diskon', CAST(:t AS jsonb), 'admin', NULL, now())).id",
        soci::use(a), soci::use(ocha.id), soci::use(code), soci::use(kTerms);
    ASSERT_EQ(apply_sale(sql, a, "e-a", two_line_sale(a, "e-a", ocha.code, {code}))["status"], "applied");
    auto b_sale = sale(b, "e-b", "R-e-b", 1, 30000, budi.code);
    ASSERT_EQ(apply_sale(sql, b, "e-b", b_sale.dump())["status"], "applied");
    long long reminded = 0;
    sql << "SELECT setia_remind_expiring(:s, 'UTC', current_date, now(), now() + interval '7 days')", soci::use(a),
        soci::into(reminded);
    ASSERT_EQ(reminded, 1);
    sql << "SELECT setia_notify_admins(:s, 'dead_letters', '{}'::jsonb, 'alert-b')", soci::use(b);
    const std::string change = "password-change|member:" + std::to_string(budi.id);
    sql << "INSERT INTO login_failures (account, at) VALUES ('ocha@example.com|kopi-a', now()), "
           "('0812555|*', now()), (:c, now())",
        soci::use(change);
    ASSERT_EQ(scalar(sql, "SELECT count(*) FROM outbox"), 4) << "two sales' pushes, the reminder, the alert";
  }

  applied = adapters::postgres::migrate(scratch.conninfo());
  ASSERT_TRUE(applied) << applied.error();
  EXPECT_EQ(applied->front(), 16);

  soci::session sql(soci::postgresql, scratch.conninfo());
  auto wrong = tables_without_store(sql);
  for (const auto& [table, _] : kNoStore) wrong.erase(table);
  for (const auto& [table, _] : kStoreMayBeNull) wrong.erase(table);
  EXPECT_TRUE(wrong.empty()) << listed(wrong);
  auto off = rows_off_their_parents_store(sql);
  EXPECT_TRUE(off.empty()) << "rows whose store_id is not their parent's:" << listed(off);

  auto per_store = [&](const std::string& table) {
    std::map<std::string, long long> out;
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT store_id, count(*)::bigint FROM " + table + " GROUP BY store_id ORDER BY store_id");
    for (const auto& r : rows) out[r.get<std::string>(0)] = r.get<long long>(1);
    return out;
  };
  using Counts = std::map<std::string, long long>;
  EXPECT_EQ(per_store("sale_lines"), (Counts{{"kopi-a", 2}, {"teh-b", 1}}));
  EXPECT_EQ(per_store("sale_vouchers"), (Counts{{"kopi-a", 1}}));
  EXPECT_EQ(per_store("devices"), (Counts{{"kopi-a", 1}, {"teh-b", 1}}));
  EXPECT_EQ(per_store("member_credentials"), (Counts{{"kopi-a", 1}, {"teh-b", 1}}));
  EXPECT_EQ(per_store("outbox"), (Counts{{"kopi-a", 2}, {"teh-b", 2}}));
  EXPECT_EQ(per_store("points_expiry_reminders"), (Counts{{"kopi-a", 1}}));
  std::map<std::string, std::string> failures;
  soci::rowset<soci::row> rows = (sql.prepare << "SELECT account, store_id FROM login_failures");
  for (const auto& r : rows) failures[r.get<std::string>(0)] = r.get<std::string>(1);
  EXPECT_EQ(failures["ocha@example.com|kopi-a"], "kopi-a") << "the store the login named";
  EXPECT_EQ(failures["0812555|*"], "*") << "a login that named no store";
  EXPECT_EQ(failures.size(), 3u);
  for (const auto& [account, store] : failures) {
    if (account.starts_with("password-change|")) {
      EXPECT_EQ(store, "teh-b") << "the member's store";
    }
  }
}

}  // namespace
}  // namespace setia::it
