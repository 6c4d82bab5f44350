// FcmNotifier against tests/fake_fcm/fake_fcm.py over real HTTPS: a test CA,
// a service-account key, the OAuth2 JWT exchange, and each answer FCM gives
// (docs/operations.md, Notifications). Needs no PostgreSQL or MQTT; needs openssl and
// python3 with python3-cryptography (deploy/services.sh SETIA_DEPS).
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include <curl/curl.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "adapters/fcm/fcm_notifier.h"
#include "fake_fcm_process.h"

extern char** environ;

namespace setia::adapters::fcm {
namespace {

using nlohmann::json;
using Kind = core::DeliveryOutcome::Kind;
using namespace std::chrono_literals;

core::PushMessage points_push(const std::string& id = "outbox-4711", const std::string& token = "dev-token-1") {
  core::PushMessage m;
  m.id = id;
  m.device_token = token;
  m.title = "+52 poin";
  m.body = "Saldo kamu 172 poin di MARIKH SALATIGA";
  m.data = {{"kind", "points"}, {"points", "52"}, {"balance", "172"}};
  m.link = "https://crm.example/e/7d9a3f0e3b8e4d0c";
  return m;
}

class FcmNotifierTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { fake_ = new FakeFcm(); }
  static void TearDownTestSuite() {
    delete fake_;
    fake_ = nullptr;
  }
  void SetUp() override { fake_->reset(); }
  void TearDown() override {
    if (HasFailure()) std::cerr << "--- fake_fcm.log ---\n" << read(fake_->log());
  }

  std::unique_ptr<FcmNotifier> notifier(const FcmOptions& o) {
    auto n = FcmNotifier::create(o, clock_);
    if (!n) throw std::runtime_error(n.error());
    return std::move(*n);
  }
  std::unique_ptr<FcmNotifier> notifier() { return notifier(fake_->options()); }
  long long stat(const char* name) { return fake_->stats().at(name).get<long long>(); }

  static FakeFcm* fake_;
  core::SystemClock clock_;
};
FakeFcm* FcmNotifierTest::fake_ = nullptr;

TEST_F(FcmNotifierTest, DeliversWithTheIdAsCollapseKeyAndTheLinkInData) {
  auto n = notifier();
  auto o = n->send(points_push());
  ASSERT_EQ(o.kind, Kind::delivered) << o.detail;
  EXPECT_TRUE(o.detail.starts_with("projects/setia-test/messages/")) << o.detail;
  const json msgs = fake_->messages();
  ASSERT_EQ(msgs.size(), 1u);
  const json& m = msgs[0];
  EXPECT_EQ(m.at("token"), "dev-token-1");
  EXPECT_EQ(m.at("notification").at("title"), "+52 poin");
  EXPECT_EQ(m.at("data").at("link"), "https://crm.example/e/7d9a3f0e3b8e4d0c");
  EXPECT_EQ(m.at("data").at("points"), "52");
  EXPECT_EQ(m.at("android").at("collapse_key"), "outbox-4711");
  EXPECT_EQ(m.at("android").at("notification").at("tag"), "outbox-4711");
  EXPECT_EQ(m.at("apns").at("headers").at("apns-collapse-id"), "outbox-4711");
}

TEST_F(FcmNotifierTest, DeliversToATopic) {
  auto n = notifier();
  core::PushMessage m;
  m.id = "outbox-9";
  m.topic = "setia-admins-marikh-salatiga";
  m.title = "Dead letter";
  m.body = "A sale from the POS was rejected";
  ASSERT_EQ(n->send(m).kind, Kind::delivered);
  EXPECT_EQ(fake_->messages().at(0).at("topic"), "setia-admins-marikh-salatiga");
}

TEST_F(FcmNotifierTest, OneAccessTokenServesManySends) {
  auto n = notifier();
  for (int i = 0; i < 20; ++i) ASSERT_EQ(n->send(points_push("outbox-" + std::to_string(i))).kind, Kind::delivered);
  EXPECT_EQ(stat("token_requests"), 1);
  EXPECT_EQ(stat("accepted"), 20);
}

TEST_F(FcmNotifierTest, ConcurrentSendsShareOneTokenFetch) {
  auto n = notifier();
  std::vector<std::thread> threads;
  std::atomic<int> delivered{0};
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i)
        if (n->send(points_push("outbox-" + std::to_string(t) + "-" + std::to_string(i))).kind == Kind::delivered)
          ++delivered;
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(delivered.load(), 80);
  EXPECT_EQ(stat("token_requests"), 1);
  EXPECT_EQ(stat("accepted"), 80);
}

TEST_F(FcmNotifierTest, RefreshesTheTokenFiveMinutesBeforeItExpires) {
  // A token that lives 302 s is due for refresh 2 s after it was issued,
  // while the fake would still accept it for 300 s more.
  fake_->call("/_control", json{{"expires_in", 302}});
  auto n = notifier();
  ASSERT_EQ(n->send(points_push("a")).kind, Kind::delivered);
  ASSERT_EQ(n->send(points_push("b")).kind, Kind::delivered);
  EXPECT_EQ(stat("token_requests"), 1);
  std::this_thread::sleep_for(2500ms);
  ASSERT_EQ(n->send(points_push("c")).kind, Kind::delivered);
  EXPECT_EQ(stat("token_requests"), 2);
  EXPECT_EQ(stat("unauthenticated"), 0);  // never sent with an expired token
}

TEST_F(FcmNotifierTest, Unauthenticated401FetchesANewTokenAndSendsAgainOnce) {
  auto n = notifier();
  ASSERT_EQ(n->send(points_push("warm")).kind, Kind::delivered);
  fake_->inject(json::array({{{"status", 401}}}));  // revokes the token in use
  auto o = n->send(points_push("after-401"));
  EXPECT_EQ(o.kind, Kind::delivered) << o.detail;
  EXPECT_EQ(stat("tokens_issued"), 2);
  EXPECT_EQ(stat("send_requests"), 3);
  EXPECT_EQ(fake_->messages().size(), 2u);
}

TEST_F(FcmNotifierTest, A401AfterTheRefreshIsRetryLaterNotALoop) {
  auto n = notifier();
  fake_->inject(json::array({{{"status", 401}}, {{"status", 401}}, {{"status", 401}}}));
  auto o = n->send(points_push());
  EXPECT_EQ(o.kind, Kind::retry_later) << o.detail;
  EXPECT_EQ(stat("send_requests"), 2);
  EXPECT_EQ(stat("tokens_issued"), 2);
}

TEST_F(FcmNotifierTest, ThirdPartyAuthErrorFailsWithoutTouchingTheToken) {
  auto n = notifier();
  fake_->inject(json::array({{{"status", 401}, {"error_code", "THIRD_PARTY_AUTH_ERROR"}}}));
  auto o = n->send(points_push());
  EXPECT_EQ(o.kind, Kind::failed) << o.detail;
  EXPECT_FALSE(o.drop_device_token);
  EXPECT_NE(o.detail.find("THIRD_PARTY_AUTH_ERROR"), std::string::npos) << o.detail;
  EXPECT_EQ(stat("tokens_issued"), 1);
  EXPECT_EQ(stat("send_requests"), 1);
}

TEST_F(FcmNotifierTest, UnregisteredTokenFailsAndIsDropped) {
  auto o = notifier()->send(points_push("x", "unregistered-phone-sold"));
  EXPECT_EQ(o.kind, Kind::failed);
  EXPECT_TRUE(o.drop_device_token);
  EXPECT_NE(o.detail.find("UNREGISTERED"), std::string::npos) << o.detail;
}

TEST_F(FcmNotifierTest, SenderIdMismatchFailsAndIsDropped) {
  auto o = notifier()->send(points_push("x", "mismatch-other-project"));
  EXPECT_EQ(o.kind, Kind::failed);
  EXPECT_TRUE(o.drop_device_token);
  EXPECT_NE(o.detail.find("SENDER_ID_MISMATCH"), std::string::npos) << o.detail;
}

TEST_F(FcmNotifierTest, InvalidArgumentFailsAndDropsOnlyAnInvalidToken) {
  auto n = notifier();
  core::PushMessage bad_topic = points_push();
  bad_topic.device_token.clear();
  bad_topic.topic = "not a topic!";
  auto o = n->send(bad_topic);
  EXPECT_EQ(o.kind, Kind::failed);
  EXPECT_FALSE(o.drop_device_token);
  EXPECT_NE(o.detail.find("INVALID_ARGUMENT"), std::string::npos) << o.detail;

  core::PushMessage reserved = points_push();
  reserved.data["from"] = "setia";  // a key FCM keeps for itself
  o = n->send(reserved);
  EXPECT_EQ(o.kind, Kind::failed);
  EXPECT_FALSE(o.drop_device_token);

  o = n->send(points_push("x", "invalid-not-a-token"));
  EXPECT_EQ(o.kind, Kind::failed);
  EXPECT_TRUE(o.drop_device_token);
  EXPECT_EQ(stat("accepted"), 0);
}

TEST_F(FcmNotifierTest, QuotaAndUnavailableAreRetryLaterAfterRetryAfter) {
  auto n = notifier();
  fake_->inject(json::array({{{"status", 429}, {"retry_after", 7}},
                             {{"status", 503}, {"retry_after", 7}},
                             {{"status", 503}, {"retry_after_date", 30}}}));
  for (const char* code : {"QUOTA_EXCEEDED", "UNAVAILABLE"}) {
    auto o = n->send(points_push());
    EXPECT_EQ(o.kind, Kind::retry_later) << o.detail;
    EXPECT_EQ(o.retry_after, 7s) << code;
    EXPECT_NE(o.detail.find(code), std::string::npos) << o.detail;
    EXPECT_FALSE(o.drop_device_token);
  }
  auto dated = n->send(points_push());
  EXPECT_EQ(dated.kind, Kind::retry_later);
  ASSERT_TRUE(dated.retry_after.has_value());
  EXPECT_GE(*dated.retry_after, 28s);  // an HTTP-date has whole seconds
  EXPECT_LE(*dated.retry_after, 31s);
  EXPECT_EQ(n->send(points_push()).kind, Kind::delivered);  // the faults are used up
}

TEST_F(FcmNotifierTest, InternalErrorIsRetryLater) {
  auto n = notifier();
  fake_->inject(json::array({{{"status", 500}}}));
  auto o = n->send(points_push());
  EXPECT_EQ(o.kind, Kind::retry_later);
  EXPECT_FALSE(o.retry_after.has_value());
  EXPECT_NE(o.detail.find("INTERNAL"), std::string::npos) << o.detail;
}

TEST_F(FcmNotifierTest, AHangingRequestTimesOutAsRetryLaterAndTheResendCollapses) {
  auto n = notifier();
  ASSERT_EQ(n->send(points_push("warm")).kind, Kind::delivered);  // the token is not what we time
  fake_->inject(json::array({{{"hang_seconds", 3}}}));
  const auto start = std::chrono::steady_clock::now();
  auto o = n->send(points_push("outbox-77"));
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(o.kind, Kind::retry_later);
  EXPECT_NE(o.detail.find("timeout"), std::string::npos) << o.detail;
  EXPECT_LT(took, 2500ms);  // request_timeout is 1.5 s
  // The slow FCM did take the message after all; the dispatcher's resend
  // carries the same id, so the phone replaces the first with the second.
  ASSERT_EQ(n->send(points_push("outbox-77")).kind, Kind::delivered);
  json msgs;
  for (int i = 0; i < 50 && (msgs = fake_->messages()).size() < 3; ++i) std::this_thread::sleep_for(100ms);
  ASSERT_EQ(msgs.size(), 3u);
  int copies = 0;
  for (const auto& m : msgs) copies += m.at("android").at("collapse_key") == "outbox-77" ? 1 : 0;
  EXPECT_EQ(copies, 2);
}

TEST_F(FcmNotifierTest, AnUntrustedServerCertificateIsNeverDelivered) {
  FcmOptions no_ca = fake_->options();
  no_ca.ca_file.clear();  // the system CAs only
  FcmOptions wrong_ca = fake_->options();
  wrong_ca.ca_file = (fake_->dir() / "other-ca.pem").string();
  for (const auto& opts : {no_ca, wrong_ca}) {
    auto o = notifier(opts)->send(points_push());
    EXPECT_EQ(o.kind, Kind::retry_later);
    EXPECT_NE(o.detail.find("TLS"), std::string::npos) << o.detail;
  }
  EXPECT_EQ(stat("token_requests"), 0);
  EXPECT_EQ(stat("send_requests"), 0);
}

TEST_F(FcmNotifierTest, APayloadOver4KiBFailsWithoutARequest) {
  auto n = notifier();
  core::PushMessage big = points_push();
  big.data["receipt"] = std::string(4200, 'x');
  auto o = n->send(big);
  EXPECT_EQ(o.kind, Kind::failed);
  EXPECT_FALSE(o.drop_device_token);
  EXPECT_NE(o.detail.find("over FCM's 4096"), std::string::npos) << o.detail;
  EXPECT_EQ(stat("token_requests"), 0);
  EXPECT_EQ(stat("send_requests"), 0);
}

TEST_F(FcmNotifierTest, AnAssertionSignedWithAnotherKeyGetsNoToken) {
  auto o = notifier(fake_->options("other-sa.key"))->send(points_push());
  EXPECT_EQ(o.kind, Kind::retry_later);
  EXPECT_NE(o.detail.find("invalid_grant"), std::string::npos) << o.detail;
  EXPECT_NE(o.detail.find("Invalid JWT Signature"), std::string::npos) << o.detail;
  EXPECT_EQ(stat("tokens_issued"), 0);
  EXPECT_EQ(stat("send_requests"), 0);
}

TEST_F(FcmNotifierTest, NothingListeningIsRetryLater) {
  // A port that was just free: connection refused.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  const std::string nowhere = "https://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  FcmOptions o = fake_->options();
  o.endpoint = nowhere;
  o.token_uri = nowhere + "/token";
  auto out = notifier(o)->send(points_push());
  EXPECT_EQ(out.kind, Kind::retry_later);
  EXPECT_FALSE(out.detail.empty());
}

TEST_F(FcmNotifierTest, CreateRefusesBadOptions) {
  FcmOptions o = fake_->options();
  o.project_id = "Not/A/Project";
  EXPECT_FALSE(FcmNotifier::create(o, clock_).has_value());
  o = fake_->options();
  o.endpoint = "http://fcm.googleapis.com";
  EXPECT_NE(FcmNotifier::create(o, clock_).error().find("https://"), std::string::npos);
  o = fake_->options();
  o.service_account_file = (fake_->dir() / "missing.json").string();
  EXPECT_NE(FcmNotifier::create(o, clock_).error().find("missing.json"), std::string::npos);
}

}  // namespace
}  // namespace setia::adapters::fcm
