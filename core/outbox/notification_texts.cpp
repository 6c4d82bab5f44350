#include "core/outbox/notification_texts.h"

#include <cstdio>

#include <nlohmann/json.hpp>

namespace setia::core {
namespace {

std::string str(const nlohmann::json& j, const char* key) {
  if (!j.contains(key)) return "";
  const auto& v = j[key];
  return v.is_string() ? v.get<std::string>() : v.dump();
}

// "2026-11-30" as "30 Nov 2026" (Indonesian month names: "30 Des 2026");
// anything else as it is.
std::string day_text(const std::string& ymd, bool en) {
  static const char* const kEn[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  static const char* const kId[] = {"Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"};
  int y = 0, m = 0, d = 0;
  if (ymd.size() != 10 || std::sscanf(ymd.c_str(), "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 || m > 12) return ymd;
  return std::to_string(d) + " " + (en ? kEn : kId)[m - 1] + " " + std::to_string(y);
}

}  // namespace

PushMessage render_push(const OutboxItem& item, const PushContext& context) {
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
  // The placeholders of the stores' own templates (rules/push_templates.h).
  auto value = [&](std::string_view name) -> std::optional<std::string> {
    if (name == "name") return item.member_name;
    if (name == "valid_until" || name == "until") return day_text(str(data, std::string(name).c_str()), en);
    if (data.contains(name)) return str(data, std::string(name).c_str());
    return std::nullopt;
  };
  if (item.kind == "sale_points") {
    const auto points = str(data, "points"), balance = str(data, "balance"), receipt = str(data, "receipt_no");
    m.title = en ? "Points earned" : "Poin bertambah";
    m.body = en ? "+" + points + " points from receipt " + receipt + ". Your balance: " + balance + " points."
                : "+" + points + " poin dari nota " + receipt + ". Saldo kamu " + balance + " poin.";
    // The app opens the e-nota with the member's token.
    if (!context.public_url.empty() && data.contains("sale_id")) {
      m.link = context.public_url + "/v1/me/transactions/" + str(data, "sale_id") + "/enota.html";
    }
  } else if (item.kind == "birthday") {
    const auto greeting = str(data, en ? "message_en" : "message_id");
    m.title = en ? "Happy birthday!" : "Selamat ulang tahun!";
    m.body = greeting.empty() ? str(data, "message_id") : greeting;
  } else if (item.kind == "points_expiring") {
    const auto points = str(data, "points"), until = day_text(str(data, "valid_until"), en);
    m.title = en ? "Points expiring soon" : "Poin segera hangus";
    m.body = en ? points + " of your points are valid until " + until + ". Use them before they expire!"
                : points + " poin kamu berlaku sampai " + until + ". Yuk, pakai sebelum hangus!";
  } else if (item.kind == "promo") {
    const auto title = str(data, "title"), until = day_text(str(data, "until"), en);
    m.title = en ? "New promo" : "Promo baru";
    m.body = en ? title + ", until " + until + ". Claim it in the app."
                : title + ", sampai " + until + ". Klaim di aplikasi.";
  } else if (item.kind == "dead_letters") {
    // To the store's admins (an FCM topic): no member, so no language; Indonesian.
    const auto count = str(data, "count"), reason = str(data, "last_reason");
    m.title = "Transaksi POS ditolak";
    m.body = count + " transaksi dari POS ditolak (terakhir: " + reason +
             "). Pelanggan mungkin belum dapat poin; cek daftar dead letter.";
  } else if (item.kind == "reservation") {
    // An admin confirmed or cancelled the member's reservation.
    const auto when = day_text(str(data, "date"), en) + " " + str(data, "time"), party = str(data, "party");
    const bool confirmed = str(data, "status") == "confirmed";
    m.title = en ? (confirmed ? "Reservation confirmed" : "Reservation cancelled")
                 : (confirmed ? "Reservasi dikonfirmasi" : "Reservasi dibatalkan");
    m.body =
        en ? "Your table for " + party + " on " + when + (confirmed ? " is confirmed." : " was cancelled by the store.")
           : "Meja untuk " + party + " orang, " + when +
                 (confirmed ? ", sudah dikonfirmasi." : ", dibatalkan oleh toko.");
  } else if (item.kind == "new_reservation" || item.kind == "reservation_cancelled") {
    // To the store's admins (an FCM topic): Indonesian, like dead_letters.
    const auto when = day_text(str(data, "date"), false) + " " + str(data, "time");
    const bool cancelled = item.kind == "reservation_cancelled";
    m.title = cancelled ? "Reservasi dibatalkan" : "Reservasi baru";
    m.body = (cancelled ? "Dibatalkan pelanggan: " : "") + str(data, "party") + " orang, " + when +
             (cancelled ? "." : ". Konfirmasi di aplikasi admin.");
  } else {
    m.title = "Setia";
    m.body = en ? "You have a new notification." : "Ada notifikasi baru untukmu.";
  }
  if (context.rules) {
    if (const auto* t = context.rules->notifications.find(item.kind)) {
      m.body = rules::fill_placeholders(en && !t->en.empty() ? t->en : t->id, value);
    }
  }
  return m;
}

}  // namespace setia::core
