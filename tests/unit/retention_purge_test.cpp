// The retention purge job over a fake store: each kind of record goes
// after its own retention, in batches until one comes back short, and one
// kind failing leaves the others to go.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "core/scheduler/retention_purge_job.h"

namespace setia::core {
namespace {

constexpr std::int64_t kNow = 1'800'000'000;

class FakeRetention final : public RetentionStore {
 public:
  std::map<std::string, std::vector<std::int64_t>> rows;  // kind -> times
  std::map<std::string, std::vector<std::int64_t>> cutoffs;
  bool fail_tokens = false;
  std::expected<long long, StoreError> purge(const std::string& kind, std::int64_t before, int limit) {
    cutoffs[kind].push_back(before);
    long long n = 0;
    auto& v = rows[kind];
    for (auto it = v.begin(); it != v.end() && n < limit;) {
      if (*it < before) {
        it = v.erase(it);
        ++n;
      } else {
        ++it;
      }
    }
    return n;
  }
  std::expected<long long, StoreError> purge_notifications_before(std::int64_t b, int n) override {
    return purge("notifications", b, n);
  }
  std::expected<long long, StoreError> purge_login_failures_before(std::int64_t b, int n) override {
    return purge("login_failures", b, n);
  }
  std::expected<long long, StoreError> purge_tokens_expired_before(std::int64_t b, int n) override {
    if (fail_tokens) return std::unexpected(StoreError{StoreError::Kind::transient, "database down"});
    return purge("tokens", b, n);
  }
};

TEST(RetentionPurgeJob, EachKindGoesAfterItsOwnRetentionInBatches) {
  FakeRetention store;
  const std::int64_t day = 86400;
  for (int i = 0; i < 25; ++i) store.rows["notifications"].push_back(kNow - 181 * day);
  store.rows["notifications"].push_back(kNow - 179 * day);
  store.rows["login_failures"] = {kNow - 2 * day, kNow - 3600};
  store.rows["tokens"] = {kNow - 40 * day, kNow - 10 * day};
  auto job = retention_purge_job(store,
                                 {.notifications = std::chrono::days(180),
                                  .login_failures = std::chrono::days(1),
                                  .expired_tokens = std::chrono::days(30)},
                                 std::chrono::hours(1), 10);
  EXPECT_EQ(job.name, "retention-purge");
  auto r = job.run(std::chrono::system_clock::time_point(std::chrono::seconds(kNow)));
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(*r,
            "deleted 25 notification(s) older than 180 days, 1 failed login(s) older than 1 days, 1 expired "
            "token(s) older than 30 days");
  EXPECT_EQ(store.rows["notifications"].size(), 1u) << "the younger one stays";
  EXPECT_EQ(store.cutoffs["notifications"].size(), 3u) << "10, 10, 5: until a batch comes back short";
  EXPECT_EQ(store.cutoffs["notifications"][0], kNow - 180 * day);
  EXPECT_EQ(store.rows["login_failures"], std::vector<std::int64_t>{kNow - 3600});
  EXPECT_EQ(store.rows["tokens"], std::vector<std::int64_t>{kNow - 10 * day});
  EXPECT_EQ(*job.run(std::chrono::system_clock::time_point(std::chrono::seconds(kNow))), "") << "nothing left";

  store.fail_tokens = true;
  store.rows["login_failures"] = {kNow - 5 * day};
  r = job.run(std::chrono::system_clock::time_point(std::chrono::seconds(kNow)));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("database down"), std::string::npos) << r.error();
  EXPECT_TRUE(store.rows["login_failures"].empty()) << "one kind failing leaves the others to go";
}

}  // namespace
}  // namespace setia::core
