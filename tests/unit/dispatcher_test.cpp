#include "core/outbox/dispatcher.h"

#include <deque>
#include <map>

#include <gtest/gtest.h>

#include "core/outbox/notification_texts.h"
#include "tests/fakes/fake_outbox_store.h"
#include "tests/fakes/scripted_notifier.h"

namespace setia::core {
namespace {

using fakes::FakeOutbox;
using fakes::ScriptedNotifier;

class DispatcherTest : public ::testing::Test {
 protected:
  FakeOutbox store_;
  ScriptedNotifier notifier_;
  OutboxDispatcher dispatcher_{DispatcherOptions{.max_attempts = 3}, [] { return std::unique_ptr<OutboxStore>(); },
                               notifier_};
};

TEST_F(DispatcherTest, DeliveredRowsAreMarkedSentWithAStableCollapseId) {
  store_.add(1, "tok-a");
  store_.add(2, "tok-b");
  EXPECT_EQ(dispatcher_.run_once(store_), 2);
  EXPECT_EQ(store_.rows[1].status, "sent");
  EXPECT_EQ(store_.rows[2].status, "sent");
  ASSERT_EQ(notifier_.sent.size(), 2u);
  EXPECT_EQ(notifier_.sent[0].id, "n101");
  EXPECT_EQ(notifier_.sent[0].device_token, "tok-a");
  EXPECT_EQ(notifier_.sent[0].data.at("points"), "52");
}

TEST_F(DispatcherTest, RetryLaterBacksOffAndHonoursRetryAfter) {
  store_.add(1, "tok-a");
  notifier_.script = {
      {.kind = DeliveryOutcome::Kind::retry_later, .retry_after = std::chrono::seconds(7), .detail = "503"}};
  dispatcher_.run_once(store_);
  EXPECT_EQ(store_.rows[1].status, "pending");
  EXPECT_GE(store_.rows[1].delay, std::chrono::seconds(7));
  EXPECT_EQ(store_.rows[1].error, "503");
}

TEST_F(DispatcherTest, GivesUpIntoDeadAfterMaxAttempts) {
  store_.add(1, "tok-a");
  for (int i = 0; i < 3; ++i) notifier_.script.push_back({.kind = DeliveryOutcome::Kind::retry_later, .detail = "500"});
  for (int i = 0; i < 3; ++i) dispatcher_.run_once(store_);
  EXPECT_EQ(store_.rows[1].status, "dead");
  EXPECT_NE(store_.rows[1].error.find("gave up after 3 attempts"), std::string::npos);
  EXPECT_EQ(notifier_.sent.size(), 3u);
}

TEST_F(DispatcherTest, DeadTokensAreDroppedAndPermanentFailuresAreDead) {
  store_.add(1, "tok-gone");
  store_.add(2, "tok-ok");
  notifier_.script = {{.kind = DeliveryOutcome::Kind::failed, .drop_device_token = true, .detail = "UNREGISTERED"},
                      {.kind = DeliveryOutcome::Kind::failed, .detail = "INVALID_ARGUMENT"}};
  dispatcher_.run_once(store_);
  EXPECT_EQ(store_.dropped, std::vector<std::string>{"tok-gone"});
  EXPECT_EQ(store_.rows[1].status, "dead");
  EXPECT_EQ(store_.rows[2].status, "dead");
  EXPECT_EQ(store_.rows[2].error, "INVALID_ARGUMENT");
}

TEST_F(DispatcherTest, BackoffGrowsExponentiallyWithJitterAndACap) {
  for (int attempt = 1; attempt <= 20; ++attempt) {
    auto d = dispatcher_.backoff(attempt, std::nullopt).count();
    long long full = std::min<long long>(2LL << std::min(attempt - 1, 30), 3600);
    EXPECT_GE(d, full / 2) << attempt;
    EXPECT_LE(d, full) << attempt;
  }
}

TEST(NotificationTexts, SalePushInTheMembersLanguage) {
  OutboxItem item;
  item.notification_id = 9;
  item.kind = "sale_points";
  item.data_json = R"({"points": 52, "balance": 172, "receipt_no": "20200505234"})";
  item.lang = "id";
  auto id = render_push(item);
  EXPECT_EQ(id.title, "Poin bertambah");
  EXPECT_EQ(id.body, "+52 poin dari nota 20200505234. Saldo kamu 172 poin.");
  item.lang = "en";
  auto en = render_push(item);
  EXPECT_EQ(en.body, "+52 points from receipt 20200505234. Your balance: 172 points.");
  EXPECT_EQ(en.id, "n9");
  EXPECT_EQ(en.data.at("balance"), "172");
}

}  // namespace
}  // namespace setia::core
