#include "core/pipeline/pipeline.h"
#include "core/pipeline/refund_flow.h"

#include <deque>
#include <filesystem>
#include <fstream>
#include <set>

#include <gtest/gtest.h>

#include "test_sales.h"
#include "tests/fakes/fake_pos_ledger.h"
#include "tests/fakes/fake_result_sink.h"
#include "tests/fakes/manual_clock.h"

namespace setia::core {
namespace {

using fakes::FakeLedger;
using fakes::FakeSink;

constexpr std::int64_t kNow = 1590559200;

class PipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("setia-pipeline-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ / "r.yaml") << "version: 1\nstore: \"*\"\ntimezone: Asia/Jakarta\n"
                                      "points:\n  earn:\n    - {name: base, per_amount: 1000}\n";
    registry_ = std::make_unique<rules::Registry>(dir_.string());
    ASSERT_TRUE(registry_->reload());
    pipeline_ = std::make_unique<Pipeline>(PipelineOptions{.topic_prefix = "setia",
                                                           .retry_initial = std::chrono::milliseconds(0),
                                                           .retry_max = std::chrono::milliseconds(0),
                                                           .disabled_stores = &disabled_},
                                           store_, sink_, *registry_, clock_, stopping_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  Disposition send(const std::string& topic, const std::string& payload) {
    return pipeline_->handle(InboundMessage{.topic = topic, .payload = payload});
  }

  std::filesystem::path dir_;
  FakeLedger store_;
  FakeSink sink_;
  // 2020-05-27 13:00 WIB: after the paper's sale (11:11) and the other
  // sales of these tests, within the default window of sales.past_days.
  ::setia::test::ManualClock clock_{kNow};
  std::atomic<bool> stopping_{false};
  DisabledStores disabled_;
  std::unique_ptr<rules::Registry> registry_;
  std::unique_ptr<Pipeline> pipeline_;
};

const std::string kTopic = "setia/marikh-salatiga/pos/sale";

TEST_F(PipelineTest, ValidSaleIsStoredWithItsPointsThenAnswered) {
  EXPECT_EQ(send(kTopic, ::setia::test::paper_sale().dump()), Disposition::done);
  ASSERT_EQ(store_.sale_points.size(), 1u);
  EXPECT_EQ(store_.sale_points[0], "7d9a3f0e-3b8e-4d0c-9a57-1f2b7c1d5e11:52");
  ASSERT_EQ(sink_.results.size(), 1u);
  EXPECT_EQ(sink_.results[0].substr(0, 16), "marikh-salatiga ");
  EXPECT_TRUE(sink_.dead_letters.empty());
  EXPECT_EQ(pipeline_->counters().applied.load(), 1u);
}

TEST_F(PipelineTest, InvalidSaleWithEventIdGetsAResultAndOneDeadLetter) {
  auto j = ::setia::test::paper_sale();
  j["total"] = 1;
  send(kTopic, j.dump());
  send(kTopic, j.dump());  // the same event again: stored result, no second dead letter
  ASSERT_EQ(store_.rejects.size(), 2u);
  EXPECT_EQ(store_.rejects[0].second, domain::Reason::invalid_arithmetic);
  EXPECT_EQ(sink_.results.size(), 2u);
  ASSERT_EQ(sink_.dead_letters.size(), 1u);
  auto dl = nlohmann::json::parse(sink_.dead_letters[0].substr(sink_.dead_letters[0].find(' ') + 1));
  EXPECT_EQ(dl["schema"], "setia.deadletter/1");
  EXPECT_EQ(dl["reason"], "invalid_arithmetic");
  EXPECT_EQ(dl["topic"], kTopic);
  EXPECT_EQ(dl["event_id"], "7d9a3f0e-3b8e-4d0c-9a57-1f2b7c1d5e11");
  EXPECT_EQ(dl["payload"], j.dump());
  EXPECT_EQ(dl["received_at"], "2020-05-27T06:00:00.000Z");  // kNow
  EXPECT_TRUE(store_.sale_points.empty());
}

TEST_F(PipelineTest, GarbageWithoutEventIdIsADeadLetterWithoutResult) {
  send(kTopic, "\xff not json");
  ASSERT_EQ(store_.rejects.size(), 1u);
  EXPECT_FALSE(store_.rejects[0].first.has_value());
  EXPECT_TRUE(sink_.results.empty());
  ASSERT_EQ(sink_.dead_letters.size(), 1u);
  auto dl = nlohmann::json::parse(sink_.dead_letters[0].substr(sink_.dead_letters[0].find(' ') + 1));
  EXPECT_EQ(dl["reason"], "not_json");
  EXPECT_FALSE(dl.contains("event_id"));
}

TEST_F(PipelineTest, ForeignTopicIsStoredButHasNoStoreToAnswer) {
  send("setia/Bad_Store/pos/sale", ::setia::test::paper_sale().dump());
  ASSERT_EQ(store_.rejects.size(), 1u);
  EXPECT_EQ(store_.rejects[0].second, domain::Reason::invalid_topic);
  EXPECT_TRUE(sink_.results.empty());
  EXPECT_TRUE(sink_.dead_letters.empty());
}

TEST_F(PipelineTest, TransientStoreErrorsAreRetriedUntilCommitted) {
  store_.failures = {{StoreError::Kind::transient, "connection lost"}, {StoreError::Kind::transient, "57P01"}};
  EXPECT_EQ(send(kTopic, ::setia::test::paper_sale().dump()), Disposition::done);
  EXPECT_EQ(store_.sale_points.size(), 1u);
  EXPECT_EQ(sink_.results.size(), 1u);
  EXPECT_EQ(pipeline_->counters().store_retries.load(), 2u);
}

TEST_F(PipelineTest, StoppingWhileTheStoreIsDownAbandonsWithoutAnswering) {
  stopping_ = true;
  store_.failures = {{StoreError::Kind::transient, "connection refused"}};
  EXPECT_EQ(send(kTopic, ::setia::test::paper_sale().dump()), Disposition::abandon);
  EXPECT_TRUE(sink_.results.empty());
  EXPECT_TRUE(sink_.dead_letters.empty());
}

TEST_F(PipelineTest, PermanentStoreErrorBecomesAnUnprocessableDeadLetter) {
  store_.failures = {{StoreError::Kind::permanent, "[22003] bigint out of range"}};
  send(kTopic, ::setia::test::paper_sale().dump());
  ASSERT_EQ(store_.rejects.size(), 1u);
  EXPECT_EQ(store_.rejects[0].second, domain::Reason::unprocessable);
  EXPECT_EQ(sink_.dead_letters.size(), 1u);
  EXPECT_EQ(sink_.results.size(), 1u);
}

TEST_F(PipelineTest, StoreWithoutRulesEarnsNothing) {
  std::filesystem::remove(dir_ / "r.yaml");
  std::ofstream(dir_ / "r.yaml") << "version: 1\nstore: other\ntimezone: Asia/Jakarta\n"
                                    "points:\n  earn:\n    - {name: base, per_amount: 1000}\n";
  ASSERT_TRUE(registry_->reload());
  send(kTopic, ::setia::test::paper_sale().dump());
  ASSERT_EQ(store_.sale_points.size(), 1u);
  EXPECT_EQ(store_.sale_points[0], "7d9a3f0e-3b8e-4d0c-9a57-1f2b7c1d5e11:0");
}

const std::string kRefundTopic = "setia/marikh-salatiga/pos/refund";

std::string refund_json(const std::string& id, long long amount) {
  return nlohmann::json{{"schema", "setia.pos.refund/1"},
                        {"event_id", id},
                        {"store_id", "marikh-salatiga"},
                        {"receipt_no", "R1"},
                        {"occurred_at", "2020-05-27T12:00:00+07:00"},
                        {"amount", amount}}
      .dump();
}

TEST_F(PipelineTest, RefundBeforeItsSaleIsParkedWithoutAResult) {
  send(kRefundTopic, refund_json("rf1", 13000));
  EXPECT_EQ(store_.parked, std::vector<std::string>{"rf1"});
  EXPECT_TRUE(sink_.results.empty());
}

TEST_F(PipelineTest, RefundTakesBackWhatTheRemainingAmountNoLongerEarns) {
  store_.sale_exists = true;
  send(kRefundTopic, refund_json("rf1", 13000));  // 52.000 -> 39.000: 39 points, 13 back
  send(kRefundTopic, refund_json("rf2", 500));    // 39.000 -> 38.500: 38 points, 1 back
  ASSERT_EQ(store_.refunds.size(), 2u);
  EXPECT_EQ(store_.refunds[0].second, 13);
  EXPECT_EQ(store_.refunds[1].second, 1);
  EXPECT_EQ(sink_.results.size(), 2u);
}

TEST_F(PipelineTest, AStaleRefundPlanIsPlannedAgain) {
  store_.sale_exists = true;
  store_.stale_answers = 2;  // two other refunds of Rp 1.000 commit in between
  send(kRefundTopic, refund_json("rf1", 10000));
  ASSERT_EQ(store_.refunds.size(), 1u);
  // Planned on 2.000 already refunded: 52.000 - 12.000 = 40.000 -> 40 points,
  // 12 back (the other refunds' points are theirs to reverse).
  EXPECT_EQ(store_.refunds[0].second, 12);
}

TEST_F(PipelineTest, LookupAnswersOnTheResponseTopicWithCorrelationData) {
  pipeline_->handle(
      InboundMessage{.topic = "setia/marikh-salatiga/pos/lookup",
                     .payload = R"({"schema":"setia.pos.lookup/1","store_id":"marikh-salatiga","voucher":"V-1",
                    "items":[{"sku":"NC-01","qty":4,"unit_price":13000}]})",
                     .reply_to = ReplyTo{"setia/marikh-salatiga/reply/till-1", "abc"}});
  ASSERT_EQ(store_.lookups.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(store_.lookups[0])["subtotal"], 52000);  // from the lines
  ASSERT_EQ(sink_.reply_topics.size(), 1u);
  EXPECT_EQ(sink_.reply_topics[0], "setia/marikh-salatiga/reply/till-1|abc");
  EXPECT_TRUE(sink_.dead_letters.empty());
}

TEST_F(PipelineTest, LookupWithoutAnAnswerAddressIsADeadLetter) {
  send("setia/marikh-salatiga/pos/lookup", R"({"schema":"setia.pos.lookup/1","store_id":"marikh-salatiga"})");
  EXPECT_TRUE(store_.lookups.empty());
  ASSERT_EQ(sink_.dead_letters.size(), 1u);
  EXPECT_NE(sink_.dead_letters[0].find("response topic"), std::string::npos);
}

TEST_F(PipelineTest, InvalidLookupIsAnsweredWithTheReason) {
  send(
      "setia/marikh-salatiga/pos/lookup",
      R"({"schema":"setia.pos.lookup/1","store_id":"marikh-salatiga","reply_to":"setia/marikh-salatiga/r","subtotal":1.5})");
  ASSERT_EQ(sink_.results.size(), 1u);
  auto reply = nlohmann::json::parse(sink_.results[0].substr(sink_.results[0].find(' ') + 1));
  EXPECT_EQ(reply["ok"], false);
  EXPECT_EQ(reply["error"]["reason"], "invalid_field");
  EXPECT_EQ(sink_.reply_topics[0], "setia/marikh-salatiga/r|");
}

// No store's POS may make setiad answer into another store's stream (its
// broker role may write every store's topics), nor onto a topic setiad
// reads: the answer address is refused with a dead letter, and a sale's
// result goes to its own store's result topic.
TEST_F(PipelineTest, AResponseTopicOutsideTheStoreIsRefused) {
  for (std::string foreign :
       {"setia/other-store/pos/result", "setia/marikh-salatiga-2/pos/result", "setia/marikh-salatiga/pos/sale",
        "elsewhere/marikh-salatiga/reply", "setia/marikh-salatiga/", "setia/marikh-salatiga/reply/#"}) {
    SCOPED_TRACE(foreign);
    sink_.results.clear();
    sink_.reply_topics.clear();
    sink_.dead_letters.clear();
    store_.rejects.clear();
    auto sale = ::setia::test::paper_sale();
    sale["event_id"] = "e-" + std::to_string(std::hash<std::string>{}(foreign));
    pipeline_->handle(InboundMessage{.topic = kTopic, .payload = sale.dump(), .reply_to = ReplyTo{foreign, "c"}});
    EXPECT_TRUE(store_.sale_points.empty());
    ASSERT_EQ(store_.rejects.size(), 1u);
    EXPECT_EQ(store_.rejects[0].first, sale["event_id"].get<std::string>());
    EXPECT_EQ(store_.rejects[0].second, domain::Reason::foreign_reply_topic);
    ASSERT_EQ(sink_.dead_letters.size(), 1u);
    EXPECT_NE(sink_.dead_letters[0].find("foreign_reply_topic"), std::string::npos);
    ASSERT_EQ(sink_.results.size(), 1u);
    EXPECT_EQ(sink_.reply_topics[0], "");  // the store's own result topic
  }
  // Inside the store, the answer goes where it was asked.
  pipeline_->handle(InboundMessage{.topic = kTopic,
                                   .payload = ::setia::test::paper_sale().dump(),
                                   .reply_to = ReplyTo{"setia/marikh-salatiga/reply/till-1", "c"}});
  EXPECT_EQ(store_.sale_points.size(), 1u);
  EXPECT_EQ(sink_.reply_topics.back(), "setia/marikh-salatiga/reply/till-1|c");
}

// A store whose own file is broken and was never loaded gets no rules (not
// the default's): its messages are dead letters until the file is fixed.
TEST_F(PipelineTest, AStoreWhoseRulesAreUnavailableGetsDeadLettersOthersAreApplied) {
  std::ofstream(dir_ / "marikh.yaml") << "version: 1\nstore: marikh-salatiga\ntimezone: Nowhere/City\n";
  ASSERT_TRUE(registry_->reload());
  send(kTopic, ::setia::test::paper_sale().dump());
  EXPECT_TRUE(store_.sale_points.empty());
  ASSERT_EQ(store_.rejects.size(), 1u);
  EXPECT_EQ(store_.rejects[0].second, domain::Reason::rules_unavailable);
  ASSERT_EQ(sink_.dead_letters.size(), 1u);
  EXPECT_NE(sink_.dead_letters[0].find("marikh.yaml:3:"), std::string::npos) << sink_.dead_letters[0];
  auto other = ::setia::test::paper_sale();
  other["store_id"] = "other-shop";
  send("setia/other-shop/pos/sale", other.dump());
  EXPECT_EQ(store_.sale_points.size(), 1u);
}

// A disabled store's events are kept as dead letters with the reason the
// operator gave, and nothing of them is applied; the other stores go on,
// and the store's events are applied again once it is enabled.
TEST_F(PipelineTest, ADisabledStoresEventsAreDeadLettersUntilItIsEnabled) {
  disabled_.replace({StoreRecord{.store_id = "marikh-salatiga",
                                 .created_at = 1590000000,
                                 .disabled_at = 1590500000,
                                 .disabled_reason = "till stolen"}});
  send(kTopic, ::setia::test::paper_sale().dump());
  send("setia/marikh-salatiga/pos/lookup", R"({"schema":"setia.pos.lookup/1","event_id":"l-1","code":"X"})");
  EXPECT_TRUE(store_.sale_points.empty());
  ASSERT_EQ(store_.rejects.size(), 2u);
  EXPECT_EQ(store_.rejects[0].second, domain::Reason::store_disabled);
  EXPECT_EQ(store_.rejects[1].second, domain::Reason::store_disabled);
  ASSERT_EQ(sink_.dead_letters.size(), 2u);
  EXPECT_NE(sink_.dead_letters[0].find("till stolen"), std::string::npos) << sink_.dead_letters[0];
  EXPECT_NE(sink_.dead_letters[0].find("2020-05-26T13:33:20"), std::string::npos) << sink_.dead_letters[0];
  auto other = ::setia::test::paper_sale();
  other["store_id"] = "other-shop";
  send("setia/other-shop/pos/sale", other.dump());
  EXPECT_EQ(store_.sale_points.size(), 1u);

  disabled_.replace({});
  send(kTopic, ::setia::test::paper_sale().dump());
  EXPECT_EQ(store_.sale_points.size(), 2u);
}

// A store's flood past its quota while another store is active: the excess
// costs no store call and no dead letter, its store is told once, and the
// other store's sale behind the flood is decided.
TEST_F(PipelineTest, AFloodPastItsQuotaIsNotDecidedAndTheStoreIsToldOnce) {
  StoreQuota quota({.rate = 0.001, .burst = 3, .active_window = std::chrono::seconds(600)});
  Pipeline p(PipelineOptions{.topic_prefix = "setia", .quota = &quota}, store_, sink_, *registry_, clock_, stopping_);
  auto quiet = ::setia::test::paper_sale();
  quiet["store_id"] = "quiet-cafe";
  quiet["event_id"] = "quiet-1";
  ASSERT_EQ(p.handle(InboundMessage{.topic = "setia/quiet-cafe/pos/sale", .payload = quiet.dump()}), Disposition::done);
  for (int i = 0; i < 10; ++i) {
    auto j = ::setia::test::paper_sale();
    j["event_id"] = "flood-" + std::to_string(i);
    j["receipt_no"] = "F-" + std::to_string(i);
    EXPECT_EQ(p.handle(InboundMessage{.topic = kTopic, .payload = j.dump()}), Disposition::done);
  }
  quiet["event_id"] = "quiet-2";
  quiet["receipt_no"] = "Q-2";
  p.handle(InboundMessage{.topic = "setia/quiet-cafe/pos/sale", .payload = quiet.dump()});
  EXPECT_EQ(store_.sale_points.size(), 5u) << "quiet's two sales and the flood's burst of three";
  EXPECT_TRUE(store_.rejects.empty()) << "a throttled message is not a dead letter: the POS still holds it";
  EXPECT_TRUE(sink_.dead_letters.empty());
  std::size_t notices = 0;
  for (const auto& r : sink_.results) {
    if (r.find("setia.pos.throttled/1") == std::string::npos) continue;
    ++notices;
    EXPECT_EQ(r.substr(0, 16), "marikh-salatiga ") << r;
    EXPECT_NE(r.find("\"throttled\":1"), std::string::npos) << r;
  }
  EXPECT_EQ(notices, 1u) << "at most one notice a second";
  EXPECT_EQ(sink_.results.size(), 6u) << "five results and the notice";
}

TEST_F(PipelineTest, ALookupsReplyToOutsideTheStoreIsADeadLetterAndNoReply) {
  send("setia/marikh-salatiga/pos/lookup",
       R"({"schema":"setia.pos.lookup/1","store_id":"marikh-salatiga","reply_to":"setia/other-store/pos/result"})");
  EXPECT_TRUE(store_.lookups.empty());
  EXPECT_TRUE(sink_.results.empty());
  ASSERT_EQ(sink_.dead_letters.size(), 1u);
  EXPECT_NE(sink_.dead_letters[0].find("foreign_reply_topic"), std::string::npos);
  // An invalid lookup's lenient reply address is held to the same rule.
  send(
      "setia/marikh-salatiga/pos/lookup",
      R"({"schema":"setia.pos.lookup/1","store_id":"marikh-salatiga","reply_to":"setia/other-store/x","subtotal":1.5})");
  EXPECT_TRUE(sink_.results.empty());
  EXPECT_EQ(sink_.dead_letters.size(), 2u);
}

TEST_F(PipelineTest, ASaleDatedBeyondTheStoresWindowIsADeadLetterWithItsReason) {
  auto sale_at = [&](std::int64_t unix_seconds, const std::string& event_id) {
    auto s = ::setia::test::paper_sale();
    s["event_id"] = event_id;
    s["receipt_no"] = event_id;
    std::time_t t = static_cast<std::time_t>(unix_seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    s["occurred_at"] = buf;
    return s.dump();
  };
  // The defaults: 5 minutes ahead, 7 days back, edges included.
  send(kTopic, sale_at(kNow + 5 * 60, "ahead-5m"));
  send(kTopic, sale_at(kNow - 7 * 86400, "back-7d"));
  EXPECT_EQ(store_.sale_points.size(), 2u);
  EXPECT_TRUE(store_.rejects.empty());
  send(kTopic, sale_at(kNow + 6 * 60, "ahead-6m"));
  send(kTopic, sale_at(kNow - 8 * 86400, "back-8d"));
  send(kTopic, sale_at(4070908800, "in-2099"));
  EXPECT_EQ(store_.sale_points.size(), 2u);
  ASSERT_EQ(store_.rejects.size(), 3u);
  for (const auto& r : store_.rejects) EXPECT_EQ(r.second, domain::Reason::occurred_at_out_of_window);
  ASSERT_EQ(sink_.dead_letters.size(), 3u);
  EXPECT_NE(sink_.dead_letters[0].find("6 minute(s) ahead"), std::string::npos) << sink_.dead_letters[0];
  EXPECT_NE(sink_.dead_letters[1].find("8 day(s) in the past"), std::string::npos) << sink_.dead_letters[1];
  // Each rejected sale still gets its result, so that the POS stops.
  EXPECT_EQ(sink_.results.size(), 5u);

  // The store's own window: a till that may be offline for 30 days.
  std::ofstream(dir_ / "r.yaml") << "version: 1\nstore: \"*\"\ntimezone: Asia/Jakarta\n"
                                    "sales: {future_minutes: 0, past_days: 30}\n";
  ASSERT_TRUE(registry_->reload());
  send(kTopic, sale_at(kNow - 29 * 86400, "back-29d"));
  send(kTopic, sale_at(kNow + 60, "ahead-1m"));
  EXPECT_EQ(store_.sale_points.size(), 3u);
  EXPECT_EQ(store_.rejects.size(), 4u);
}

TEST_F(PipelineTest, ATotalOverTheStoresLargestSaleIsADeadLetter) {
  auto sale_of = [](long long unit_price, const std::string& event_id) {
    auto s = ::setia::test::paper_sale();
    s["event_id"] = event_id;
    s["receipt_no"] = event_id;
    s["items"][0]["qty"] = 1;
    s["items"][0]["unit_price"] = unit_price;
    s["subtotal"] = s["total"] = unit_price;
    s.erase("paid");
    s.erase("change");
    return s.dump();
  };
  // The default largest sale: Rp 100.000.000; the default cap on points:
  // 10.000 a sale.
  send(kTopic, sale_of(100'000'000, "at-limit"));
  ASSERT_EQ(store_.sale_points.size(), 1u);
  EXPECT_EQ(store_.sale_points[0], "at-limit:10000");
  send(kTopic, sale_of(100'000'001, "over-limit"));
  EXPECT_EQ(store_.sale_points.size(), 1u);
  ASSERT_EQ(store_.rejects.size(), 1u);
  EXPECT_EQ(store_.rejects[0].second, domain::Reason::total_over_limit);
  ASSERT_EQ(sink_.dead_letters.size(), 1u);
  EXPECT_NE(sink_.dead_letters[0].find("total 100000001 is over this store's largest sale, 100000000"),
            std::string::npos)
      << sink_.dead_letters[0];
  std::ofstream(dir_ / "r.yaml") << "version: 1\nstore: \"*\"\ntimezone: Asia/Jakarta\n"
                                    "sales: {max_total: 50000}\n";
  ASSERT_TRUE(registry_->reload());
  send(kTopic, sale_of(50'001, "over-own-limit"));
  EXPECT_EQ(store_.rejects.size(), 2u);
}

}  // namespace
}  // namespace setia::core

namespace setia::core {
namespace {

// The store describes a line without sku or category with nulls (the
// contract allows a line with only a name): it must still be read, or a
// refund of that sale would take back nothing.
TEST(SaleFromPlan, LinesWithNullSkuAndCategoryAreRead) {
  auto sale = sale_from_plan(R"({"store_id": "marikh-salatiga", "receipt_no": "R1",
      "occurred_at": "2020-05-27T04:11:00+00:00", "subtotal": 52000, "total": 52000,
      "items": [{"sku": null, "name": "Nasi Cakalang", "qty": 4, "unit_price": 13000, "category": null}]})");
  ASSERT_TRUE(sale.has_value());
  ASSERT_EQ(sale->items.size(), 1u);
  EXPECT_EQ(sale->items[0].name, "Nasi Cakalang");
  EXPECT_EQ(sale->items[0].sku, "");
  EXPECT_EQ(sale->items[0].category, "");
  EXPECT_EQ(sale->items[0].amount(), 52000);
}

}  // namespace
}  // namespace setia::core
