// The FCM adapter's pure parts: the request it builds and how it reads the
// answers. tests/integration/fcm_test.cpp runs the whole thing over HTTPS.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "adapters/fcm/fcm_credentials.h"
#include "adapters/fcm/fcm_message.h"
#include "adapters/fcm/fcm_response.h"
#include "adapters/fcm/https_client.h"

namespace setia::adapters::fcm {
namespace {

using Kind = core::DeliveryOutcome::Kind;
using nlohmann::json;

core::PushMessage points_push() {
  core::PushMessage m;
  m.id = "outbox-4711";
  m.device_token = "dev-token-1";
  m.title = "+52 poin";
  m.body = "Saldo kamu 172 poin di MARIKH SALATIGA";
  m.data = {{"kind", "points"}, {"points", "52"}};
  m.link = "https://crm.example/e/7d9a3f0e3b8e4d0c";
  return m;
}

HttpResponse answer(long status, const std::string& error_code, const std::string& rpc_status = "",
                    std::optional<std::chrono::seconds> retry_after = std::nullopt) {
  json err = {{"code", status}, {"message", "because"}, {"status", rpc_status}};
  if (!error_code.empty())
    err["details"] =
        json::array({{{"@type", "type.googleapis.com/google.firebase.fcm.v1.FcmError"}, {"errorCode", error_code}}});
  HttpResponse r;
  r.status = status;
  r.body = json{{"error", err}}.dump();
  r.retry_after = retry_after;
  return r;
}

TEST(FcmMessage, CarriesTheIdAsCollapseKeyTagAndApnsCollapseId) {
  auto body = build_send_request(points_push());
  ASSERT_TRUE(body.has_value()) << body.error();
  const json msg = json::parse(*body).at("message");
  EXPECT_EQ(msg.at("token"), "dev-token-1");
  EXPECT_FALSE(msg.contains("topic"));
  EXPECT_EQ(msg.at("notification"), (json{{"title", "+52 poin"}, {"body", "Saldo kamu 172 poin di MARIKH SALATIGA"}}));
  EXPECT_EQ(msg.at("data"),
            (json{{"kind", "points"}, {"points", "52"}, {"link", "https://crm.example/e/7d9a3f0e3b8e4d0c"}}));
  EXPECT_EQ(msg.at("android").at("collapse_key"), "outbox-4711");
  EXPECT_EQ(msg.at("android").at("notification").at("tag"), "outbox-4711");
  EXPECT_EQ(msg.at("apns").at("headers").at("apns-collapse-id"), "outbox-4711");
}

TEST(FcmMessage, TopicAndDataOnlyMessages) {
  core::PushMessage m;
  m.id = "7";
  m.topic = "setia-admins-marikh-salatiga";
  m.data = {{"kind", "dead_letter"}};
  auto body = build_send_request(m);
  ASSERT_TRUE(body.has_value()) << body.error();
  const json msg = json::parse(*body).at("message");
  EXPECT_EQ(msg.at("topic"), "setia-admins-marikh-salatiga");
  EXPECT_FALSE(msg.contains("token"));
  EXPECT_FALSE(msg.contains("notification"));
  EXPECT_FALSE(msg.at("android").contains("notification"));  // a tag alone would show an empty notification
  EXPECT_EQ(msg.at("android").at("collapse_key"), "7");
}

TEST(FcmMessage, RefusesWhatCanNeverBeSent) {
  auto m = points_push();
  m.id.clear();
  EXPECT_FALSE(build_send_request(m).has_value());
  m = points_push();
  m.id = std::string(65, 'x');
  EXPECT_FALSE(build_send_request(m).has_value());
  m = points_push();
  m.topic = "also-a-topic";
  EXPECT_FALSE(build_send_request(m).has_value());
  m = points_push();
  m.device_token.clear();
  EXPECT_FALSE(build_send_request(m).has_value());
}

TEST(FcmMessage, PayloadLimitIs4096BytesForDevicesAnd2048ForTopics) {
  core::PushMessage m;
  m.id = "1";
  m.device_token = "t";
  m.data = {{"x", ""}};  // {"x":""} is 8 bytes
  m.data["x"] = std::string(kMaxPayloadBytes - 8, 'a');
  EXPECT_EQ(payload_bytes(m), kMaxPayloadBytes);
  EXPECT_TRUE(build_send_request(m).has_value());
  m.data["x"] += "a";
  auto too_big = build_send_request(m);
  ASSERT_FALSE(too_big.has_value());
  EXPECT_NE(too_big.error().find("4097 bytes"), std::string::npos) << too_big.error();
  m.device_token.clear();
  m.topic = "t";
  m.data["x"] = std::string(kMaxTopicPayloadBytes - 8, 'a');
  EXPECT_TRUE(build_send_request(m).has_value());
  m.data["x"] += "a";
  EXPECT_FALSE(build_send_request(m).has_value());
}

TEST(FcmResponse, MapsEveryAnswer) {
  HttpResponse ok;
  ok.status = 200;
  ok.body = R"({"name":"projects/p/messages/0:1"})";
  EXPECT_EQ(classify(ok).kind, Kind::delivered);
  EXPECT_EQ(classify(ok).detail, "projects/p/messages/0:1");

  auto unregistered = classify(answer(404, "UNREGISTERED", "NOT_FOUND"));
  EXPECT_EQ(unregistered.kind, Kind::failed);
  EXPECT_TRUE(unregistered.drop_device_token);
  auto mismatch = classify(answer(403, "SENDER_ID_MISMATCH", "PERMISSION_DENIED"));
  EXPECT_EQ(mismatch.kind, Kind::failed);
  EXPECT_TRUE(mismatch.drop_device_token);
  auto invalid = classify(answer(400, "INVALID_ARGUMENT", "INVALID_ARGUMENT"));
  EXPECT_EQ(invalid.kind, Kind::failed);
  EXPECT_FALSE(invalid.drop_device_token);
  auto third_party = classify(answer(401, "THIRD_PARTY_AUTH_ERROR", "UNAUTHENTICATED"));
  EXPECT_EQ(third_party.kind, Kind::failed);
  EXPECT_FALSE(third_party.drop_device_token);

  for (auto [status, code] : {std::pair{429L, "QUOTA_EXCEEDED"}, {503L, "UNAVAILABLE"}, {500L, "INTERNAL"}}) {
    auto o = classify(answer(status, code, "", std::chrono::seconds(7)));
    EXPECT_EQ(o.kind, Kind::retry_later) << code;
    EXPECT_EQ(o.retry_after, std::chrono::seconds(7)) << code;
    EXPECT_FALSE(o.drop_device_token);
  }
  // Without an errorCode the HTTP status decides; a plain 404 (wrong
  // project) is not a dead device token.
  EXPECT_EQ(classify(answer(502, "")).kind, Kind::retry_later);
  EXPECT_EQ(classify(answer(401, "", "UNAUTHENTICATED")).kind, Kind::retry_later);
  auto not_found = classify(answer(404, "", "NOT_FOUND"));
  EXPECT_EQ(not_found.kind, Kind::failed);
  EXPECT_FALSE(not_found.drop_device_token);

  HttpResponse down;
  down.transport_error = "Connection refused";
  EXPECT_EQ(classify(down).kind, Kind::retry_later);
}

TEST(FcmResponse, InvalidArgumentNamingTheTokenDropsIt) {
  HttpResponse r;
  r.status = 400;
  r.body = R"({"error": {"code": 400, "status": "INVALID_ARGUMENT",
    "message": "The registration token is not a valid FCM registration token",
    "details": [{"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": "INVALID_ARGUMENT"},
                {"@type": "type.googleapis.com/google.rpc.BadRequest",
                 "fieldViolations": [{"field": "message.token", "description": "Invalid registration token"}]}]}})";
  auto o = classify(r);
  EXPECT_EQ(o.kind, Kind::failed);
  EXPECT_TRUE(o.drop_device_token);
}

TEST(FcmResponse, OnlyAPlain401AsksForANewToken) {
  EXPECT_TRUE(wants_new_token(parse_fcm_error(401, answer(401, "", "UNAUTHENTICATED").body)));
  EXPECT_TRUE(wants_new_token(parse_fcm_error(401, "not json")));
  EXPECT_FALSE(wants_new_token(parse_fcm_error(401, answer(401, "THIRD_PARTY_AUTH_ERROR").body)));
  EXPECT_FALSE(wants_new_token(parse_fcm_error(403, answer(403, "").body)));
}

TEST(RetryAfter, SecondsOrHttpDate) {
  const auto now = std::chrono::system_clock::from_time_t(1445412480);  // Wed, 21 Oct 2015 07:28:00 GMT
  EXPECT_EQ(parse_retry_after("7", now), std::chrono::seconds(7));
  EXPECT_EQ(parse_retry_after(" 120 ", now), std::chrono::seconds(120));
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now), std::chrono::seconds(30));
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now), std::chrono::seconds(0));  // past
  EXPECT_EQ(parse_retry_after("soon", now), std::nullopt);
  EXPECT_EQ(parse_retry_after("-5", now), std::nullopt);
  EXPECT_EQ(parse_retry_after("", now), std::nullopt);
}

TEST(ServiceAccount, SaysWhichFieldIsWrong) {
  EXPECT_NE(parse_service_account("[]").error().find("not a JSON object"), std::string::npos);
  EXPECT_NE(parse_service_account(R"({"private_key":"x"})").error().find("client_email"), std::string::npos);
  EXPECT_NE(parse_service_account(R"({"client_email":"a@b","private_key":"not a key"})").error().find("private_key"),
            std::string::npos);
  EXPECT_NE(parse_service_account(R"({"type":"authorized_user","client_email":"a@b","private_key":"x"})")
                .error()
                .find("type"),
            std::string::npos);
}

}  // namespace
}  // namespace setia::adapters::fcm
