#include "core/outbox/notification_texts.h"

#include <nlohmann/json.hpp>

namespace setia::core {
namespace {

std::string str(const nlohmann::json& j, const char* key) {
  if (!j.contains(key)) return "";
  const auto& v = j[key];
  return v.is_string() ? v.get<std::string>() : v.dump();
}

}  // namespace

PushMessage render_push(const OutboxItem& item) {
  PushMessage m;
  m.id = "n" + std::to_string(item.notification_id);
  m.device_token = item.device_token;
  m.topic = item.fcm_topic;
  auto data = nlohmann::json::parse(item.data_json, nullptr, false);
  if (!data.is_object()) data = nlohmann::json::object();
  // FCM data values must be strings.
  for (auto it = data.begin(); it != data.end(); ++it) m.data[it.key()] = str(data, it.key().c_str());
  m.data["kind"] = item.kind;
  m.data["store"] = item.store_id;
  const bool en = item.lang == "en";
  if (item.kind == "sale_points") {
    const auto points = str(data, "points"), balance = str(data, "balance"), receipt = str(data, "receipt_no");
    m.title = en ? "Points earned" : "Poin bertambah";
    m.body = en ? "+" + points + " points from receipt " + receipt + ". Your balance: " + balance + " points."
                : "+" + points + " poin dari nota " + receipt + ". Saldo kamu " + balance + " poin.";
  } else if (item.kind == "birthday") {
    const auto greeting = str(data, en ? "message_en" : "message_id");
    m.title = en ? "Happy birthday!" : "Selamat ulang tahun!";
    m.body = greeting.empty() ? str(data, "message_id") : greeting;
  } else {
    m.title = en ? "Setia" : "Setia";
    m.body = en ? "You have a new notification." : "Ada notifikasi baru untukmu.";
  }
  return m;
}

}  // namespace setia::core
