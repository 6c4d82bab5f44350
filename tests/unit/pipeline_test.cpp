#include "core/pipeline/pipeline.h"

#include <deque>
#include <filesystem>
#include <fstream>
#include <set>

#include <gtest/gtest.h>

#include "test_sales.h"

namespace setia::core {
namespace {

// Store double: records calls, answers from a script of errors first.
class FakeStore final : public Store {
 public:
  std::deque<StoreError> failures;  // returned (and popped) before any success
  std::vector<SaleCommand> sales;
  std::vector<std::string> sale_points;
  std::vector<std::pair<std::optional<std::string>, domain::Reason>> rejects;
  std::set<std::string> claimed;

  std::expected<StoredOutcome, StoreError> apply_sale(const SaleCommand& cmd) override {
    if (!failures.empty()) {
      auto f = failures.front();
      failures.pop_front();
      return std::unexpected(f);
    }
    sale_points.push_back(cmd.sale.event_id + ":" + std::to_string(cmd.points));
    bool dup = !claimed.insert(cmd.sale.event_id).second;
    return StoredOutcome{.result_json = "{\"event_id\":\"" + cmd.sale.event_id + "\"}", .duplicate = dup};
  }

  std::expected<StoredOutcome, StoreError> reject(const RejectCommand& cmd) override {
    if (!failures.empty()) {
      auto f = failures.front();
      failures.pop_front();
      return std::unexpected(f);
    }
    rejects.emplace_back(cmd.rejection.event_id, cmd.rejection.reason);
    bool dup = cmd.rejection.event_id && !claimed.insert(*cmd.rejection.event_id).second;
    StoredOutcome o{.duplicate = dup, .rejected = true,
                    .reason = std::string(domain::reason_code(cmd.rejection.reason)), .detail = cmd.rejection.detail};
    if (cmd.store && cmd.rejection.event_id) o.result_json = "{\"status\":\"rejected\"}";
    return o;
  }
};

class FakeSink final : public ResultSink {
 public:
  std::vector<std::string> results, dead_letters;
  void publish_result(std::string_view store, std::string_view json, const std::optional<ReplyTo>&) override {
    results.push_back(std::string(store) + " " + std::string(json));
  }
  void publish_dead_letter(std::string_view store, std::string_view json) override {
    dead_letters.push_back(std::string(store) + " " + std::string(json));
  }
};

class FakeClock final : public Clock {
 public:
  std::chrono::system_clock::time_point now() const override { return std::chrono::system_clock::time_point{}; }
};

class PipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("setia-pipeline-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ / "r.yaml") << "version: 1\nstore: \"*\"\ntimezone: Asia/Jakarta\n"
                                      "points:\n  earn:\n    - {name: base, per_amount: 1000}\n";
    registry_ = std::make_unique<rules::Registry>(dir_.string());
    ASSERT_TRUE(registry_->reload());
    pipeline_ = std::make_unique<Pipeline>(
        PipelineOptions{.topic_prefix = "setia", .retry_initial = std::chrono::milliseconds(0),
                        .retry_max = std::chrono::milliseconds(0)},
        store_, sink_, *registry_, clock_, stopping_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  Disposition send(const std::string& topic, const std::string& payload) {
    return pipeline_->handle(InboundMessage{.topic = topic, .payload = payload});
  }

  std::filesystem::path dir_;
  FakeStore store_;
  FakeSink sink_;
  FakeClock clock_;
  std::atomic<bool> stopping_{false};
  std::unique_ptr<rules::Registry> registry_;
  std::unique_ptr<Pipeline> pipeline_;
};

const std::string kTopic = "setia/marikh-salatiga/pos/sale";

TEST_F(PipelineTest, ValidSaleIsStoredWithItsPointsThenAnswered) {
  EXPECT_EQ(send(kTopic, test::paper_sale().dump()), Disposition::done);
  ASSERT_EQ(store_.sale_points.size(), 1u);
  EXPECT_EQ(store_.sale_points[0], "7d9a3f0e-3b8e-4d0c-9a57-1f2b7c1d5e11:52");
  ASSERT_EQ(sink_.results.size(), 1u);
  EXPECT_EQ(sink_.results[0].substr(0, 16), "marikh-salatiga ");
  EXPECT_TRUE(sink_.dead_letters.empty());
  EXPECT_EQ(pipeline_->counters().applied.load(), 1u);
}

TEST_F(PipelineTest, InvalidSaleWithEventIdGetsAResultAndOneDeadLetter) {
  auto j = test::paper_sale();
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
  EXPECT_EQ(dl["received_at"], "1970-01-01T00:00:00.000Z");
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
  send("setia/Bad_Store/pos/sale", test::paper_sale().dump());
  ASSERT_EQ(store_.rejects.size(), 1u);
  EXPECT_EQ(store_.rejects[0].second, domain::Reason::invalid_topic);
  EXPECT_TRUE(sink_.results.empty());
  EXPECT_TRUE(sink_.dead_letters.empty());
}

TEST_F(PipelineTest, TransientStoreErrorsAreRetriedUntilCommitted) {
  store_.failures = {{StoreError::Kind::transient, "connection lost"}, {StoreError::Kind::transient, "57P01"}};
  EXPECT_EQ(send(kTopic, test::paper_sale().dump()), Disposition::done);
  EXPECT_EQ(store_.sale_points.size(), 1u);
  EXPECT_EQ(sink_.results.size(), 1u);
  EXPECT_EQ(pipeline_->counters().store_retries.load(), 2u);
}

TEST_F(PipelineTest, StoppingWhileTheStoreIsDownAbandonsWithoutAnswering) {
  stopping_ = true;
  store_.failures = {{StoreError::Kind::transient, "connection refused"}};
  EXPECT_EQ(send(kTopic, test::paper_sale().dump()), Disposition::abandon);
  EXPECT_TRUE(sink_.results.empty());
  EXPECT_TRUE(sink_.dead_letters.empty());
}

TEST_F(PipelineTest, PermanentStoreErrorBecomesAnUnprocessableDeadLetter) {
  store_.failures = {{StoreError::Kind::permanent, "[22003] bigint out of range"}};
  send(kTopic, test::paper_sale().dump());
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
  send(kTopic, test::paper_sale().dump());
  ASSERT_EQ(store_.sale_points.size(), 1u);
  EXPECT_EQ(store_.sale_points[0], "7d9a3f0e-3b8e-4d0c-9a57-1f2b7c1d5e11:0");
}

}  // namespace
}  // namespace setia::core
