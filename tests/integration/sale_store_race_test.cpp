// Copies of one sale at the same moment, on real PostgreSQL: the per-sale
// statement writes the event's row once, at the end (migration 0013), so
// copies meet on the sales keys and on the events key. Every thread has its
// own PgPosLedger (its own connection), as setiad processes sharing a
// subscription do, and all start together.
#include <latch>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "adapters/postgres/pg_pos_ledger.h"
#include "core/pipeline/sale_decoder.h"
#include "points_support.h"

namespace setia::it {
namespace {

using nlohmann::json;

struct Tally {
  std::mutex mu;
  int applied = 0, duplicates = 0, conflicts = 0, errors = 0;
  std::vector<json> results;
};

// Applies `payloads[i % size]` on n threads that start together; 61 points
// for a member sale, as the shipped rules give for Rp 61.000.
void apply_at_once(int n, const std::string& store, const std::vector<std::string>& payloads, Tally& tally) {
  std::latch ready(n);
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      adapters::postgres::PgPosLedger pg(pg_conninfo());
      (void)pg.parked_refunds(std::nullopt, 1'000'000'000);  // connect before the start line
      const std::string& payload = payloads[static_cast<std::size_t>(i) % payloads.size()];
      auto sale = core::decode_sale(store, payload);
      ASSERT_TRUE(sale) << sale.error().detail;
      ready.arrive_and_wait();
      auto out = pg.apply_sale({*sale, payload, "it/" + store + "/pos/sale", 61, "it", {"base"}, std::nullopt});
      std::lock_guard lock(tally.mu);
      if (!out) {
        ++tally.errors;
        return;
      }
      if (out->duplicate)
        ++tally.duplicates;
      else if (out->rejected && out->reason == "receipt_conflict")
        ++tally.conflicts;
      else if (!out->rejected)
        ++tally.applied;
      tally.results.push_back(json::parse(out->result_json));
    });
  }
  for (auto& t : threads) t.join();
}

class SaleStoreRace : public ::testing::Test {
 protected:
  void SetUp() override {
    migrate_once();
    sql_ = db();
    store_ = unique("toko");
    member_ = new_member(*sql_, store_);
  }
  std::string payload(const std::string& event_id, const std::string& receipt) const {
    return sale(store_, event_id, receipt, 1, 61000, member_.code).dump();
  }
  long long count(const std::string& table) {
    return scalar(*sql_, "SELECT count(*) FROM " + table + " WHERE store_id = '" + store_ + "'");
  }
  std::unique_ptr<soci::session> sql_;
  std::string store_;
  TestMember member_;
};

TEST_F(SaleStoreRace, TwentyCopiesOfOneSaleAtOnceCountOnceAndGetOneAnswer) {
  Tally t;
  apply_at_once(20, store_, {payload("evt-race", "R-1")}, t);
  EXPECT_EQ(t.errors, 0);
  EXPECT_EQ(t.applied, 1);
  EXPECT_EQ(t.duplicates, 19);
  EXPECT_EQ(scalar(*sql_, "SELECT points FROM members WHERE id = " + std::to_string(member_.id)), 61);
  EXPECT_EQ(count("sales"), 1);
  EXPECT_EQ(count("events"), 1);
  EXPECT_EQ(count("points_ledger"), 1);
  EXPECT_EQ(scalar(*sql_, "SELECT count(*) FROM notifications WHERE member_id = " + std::to_string(member_.id)), 1);
  // Every copy got the first one's answer.
  for (auto r : t.results) {
    r.erase("duplicate");
    EXPECT_EQ(r["status"], "applied");
    EXPECT_EQ(r["member"]["balance"], 61);
  }
}

TEST_F(SaleStoreRace, TenEventsWithOneReceiptAtOnceGiveOneSaleAndNineConflicts) {
  std::vector<std::string> payloads;
  for (int i = 0; i < 10; ++i) payloads.push_back(payload("evt-" + std::to_string(i), "R-7"));
  Tally t;
  apply_at_once(10, store_, payloads, t);
  EXPECT_EQ(t.errors, 0);
  EXPECT_EQ(t.applied, 1);
  EXPECT_EQ(t.conflicts, 9);
  EXPECT_EQ(scalar(*sql_, "SELECT points FROM members WHERE id = " + std::to_string(member_.id)), 61);
  EXPECT_EQ(count("sales"), 1);
  EXPECT_EQ(count("events"), 10);
  EXPECT_EQ(scalar(*sql_, "SELECT count(*) FROM dead_letters WHERE store_id = '" + store_ +
                              "' AND reason = 'receipt_conflict'"),
            9);
}

// A rejection that claims the event id while the sale is under way: the sale
// waits for it, is undone, and answers (after the retries the pipeline
// makes on a transient error) with the rejection that won. No sale, no
// points beside it.
TEST_F(SaleStoreRace, AnEventIdClaimedMidSaleLeavesNoSaleBesideTheClaim) {
  auto other = db();
  *other << "BEGIN";
  *other << "SELECT setia_reject_event(:s, 'evt-mid', 'invalid_payload', 'a test', 'it/t', '')", soci::use(store_);

  std::string body = payload("evt-mid", "R-9");
  auto sale = core::decode_sale(store_, body);
  ASSERT_TRUE(sale);
  adapters::postgres::PgPosLedger pg(pg_conninfo());
  core::SaleCommand cmd{*sale, body, "it/t", 61, "it", {"base"}, std::nullopt};
  std::expected<core::StoredOutcome, core::StoreError> outcome =
      std::unexpected(core::StoreError{core::StoreError::Kind::permanent, "not run"});
  int transient = 0;
  std::thread applying([&] {
    for (outcome = pg.apply_sale(cmd); !outcome && outcome.error().kind == core::StoreError::Kind::transient;
         outcome = pg.apply_sale(cmd)) {
      ++transient;
    }
  });
  bool waited = false;
  for (int i = 0; i < 500 && !waited; ++i) {
    waited = scalar(*sql_,
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND query LIKE 'SELECT setia_apply_sale%'") > 0;
    if (!waited) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  *other << "COMMIT";
  applying.join();

  EXPECT_TRUE(waited) << "the sale never waited for the rejection's claim";
  ASSERT_TRUE(outcome) << outcome.error().message;
  EXPECT_TRUE(outcome->duplicate);
  EXPECT_TRUE(outcome->rejected);
  EXPECT_EQ(outcome->reason, "invalid_payload");
  EXPECT_LE(transient, 1);
  EXPECT_EQ(count("sales"), 0);
  EXPECT_EQ(count("events"), 1);
  EXPECT_EQ(scalar(*sql_, "SELECT points FROM members WHERE id = " + std::to_string(member_.id)), 0);
}

}  // namespace
}  // namespace setia::it
