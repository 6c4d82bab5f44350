#include "core/services/data_rights.h"

#include <algorithm>
#include <cctype>

#include "core/services/consents.h"
#include "core/services/free_text.h"
#include "core/services/member_json.h"
#include "core/services/points.h"
#include "core/services/store_time_text.h"

namespace setia::core {
namespace {

using Kind = ServiceError::Kind;
using nlohmann::json;

std::string trimmed(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

}  // namespace

std::string shortened_token(const std::string& token) {
  if (token.size() <= 16) return token.substr(0, std::min<std::size_t>(4, token.size())) + "…";
  return token.substr(0, 8) + "…" + token.substr(token.size() - 4);
}

json member_export_json(const MemberData& d, const rules::RuleBook* book, const std::string& base_url,
                        std::int64_t now) {
  const auto& store = d.profile.member.store_id;
  auto t = [&](std::int64_t at) { return time_in_store(at, store, book); };
  const auto* rs = book ? book->for_store(store) : nullptr;

  json points = json::array();
  for (const auto& e : d.points) {
    std::optional<std::string> expires;
    if (e.expires_at) expires = store_time_text(*e.expires_at, rs);
    points.push_back(points_entry_json(e, store_time_text(e.at, rs), expires));
  }
  json sales = json::array();
  for (const auto& s : d.transactions) sales.push_back(transaction_json(s, book, enota_url(base_url, s.summary.id)));
  json vouchers = json::array();
  for (const auto& v : d.vouchers) vouchers.push_back(voucher_json(v, book));
  json reservations = json::array();
  for (const auto& r : d.reservations) reservations.push_back(reservation_json(r, book));
  json devices = json::array();
  for (const auto& dev : d.devices) {
    devices.push_back(
        {{"token", shortened_token(dev.token)}, {"platform", dev.platform}, {"registered_at", t(dev.created_at)}});
  }
  json notifications = json::array();
  for (const auto& n : d.notifications) notifications.push_back(notification_json(n, book));
  json sessions = json::array();
  for (const auto& s : d.sessions) {
    sessions.push_back({{"label", s.label}, {"created_at", t(s.created_at)}, {"expires_at", t(s.expires_at)}});
  }
  json member = profile_json(d.profile, book);
  return {
      {"schema", "setia.member.export/1"},
      {"exported_at", t(now)},
      {"member", member},
      {"points", {{"balance", d.profile.member.points}, {"history", points}}},
      {"transactions", sales},
      {"vouchers", vouchers},
      {"reservations", reservations},
      {"devices", devices},
      {"notifications", notifications},
      {"consents", consent_view_json(consent_view(d.consents), store, book)},
      {"account",
       {{"password_set_at", d.password_set_at ? json(t(*d.password_set_at)) : json(nullptr)}, {"sessions", sessions}}}};
}

std::expected<json, ServiceError> DataRights::export_member(const std::string& store_id, long long member_id,
                                                            const std::string& base_url) {
  auto d = data_.member_data(store_id, member_id);
  if (!d) return fail(Kind::unavailable, d.error().message);
  if (!*d) return fail(Kind::not_found, "no such member", "no_such_member");
  auto book = rules_ ? rules_() : nullptr;
  return member_export_json(**d, book.get(), base_url, unix_seconds(clock_.now()));
}

std::expected<ErasureRecord, ServiceError> DataRights::run_erasure(ErasureRequest request,
                                                                   const std::string& store_id) {
  // A booking the erasure cancels tells the store's admins when its rules
  // ask for that (as a member's cancellation does).
  if (!store_id.empty()) {
    auto book = rules_ ? rules_() : nullptr;
    const auto* rs = book ? book->for_store(store_id) : nullptr;
    request.notify_admins = rs && rs->reservations && rs->reservations->notify_admins;
  }
  auto r = data_.erase(request);
  if (!r) return fail(Kind::unavailable, r.error().message);
  if (!*r) return fail(Kind::not_found, "no such member", "no_such_member");
  return **r;
}

std::expected<ErasureRecord, ServiceError> DataRights::erase_own(const Principal& who, const OwnErasure& request) {
  if (!auth_ || !credentials_ || !hasher_) return fail(Kind::unavailable, "erasure by the member is not wired here");
  if (who.role != Role::member) return fail(Kind::forbidden, "only a member erases themself");
  // The password proves it is the member, not a stolen session. Each check
  // costs an argon2 hash: counted under the password change's key (the
  // same account of core/services/auth.cpp, Auth::change_password), so that
  // guesses through either path share one limit.
  auto stored = credentials_->password_hash(who.store_id, who.member_id);
  if (!stored) return fail(Kind::unavailable, stored.error().message);
  const std::string account = "password-change|member:" + std::to_string(who.member_id);
  auto right = auth_->guess(who.store_id, account, request.address, [&] {
    if (!*stored) {
      (void)hasher_->verify(auth_->dummy_hash(), request.current_password);  // the same cost either way
      return false;
    }
    return hasher_->verify(**stored, request.current_password);
  });
  if (!right) return std::unexpected(right.error());
  if (!*right) return fail(Kind::forbidden, "current_password does not match", "wrong_current_password");
  auto profile = profiles_.profile(who.store_id, who.member_id);
  if (!profile) return fail(Kind::unavailable, profile.error().message);
  if (!*profile) return fail(Kind::not_found, "no such member", "no_such_member");
  if (const auto points = (*profile)->member.points; points > 0 && !request.forfeit_points) {
    return fail(Kind::conflict,
                "you have " + std::to_string(points) +
                    " points, which lapse with your account: send \"forfeit_points\": true to erase it anyway",
                "points_would_lapse");
  }
  return run_erasure({.store_id = who.store_id,
                      .member = std::to_string(who.member_id),
                      .requested_by = "member",
                      .reason = "the member's request in the app",
                      .notify_admins = false},
                     who.store_id);
}

std::expected<ErasureRecord, ServiceError> DataRights::erase(const std::optional<std::string>& store_id,
                                                             const std::string& member, const std::string& requested_by,
                                                             const std::string& reason_in) {
  const std::string reason = trimmed(reason_in);
  if (reason.empty() || reason.size() > 500 || !printable(reason)) {
    return fail(Kind::invalid,
                "reason must be 1 to 500 printable characters: why, for the record (a ticket, \"asked at the "
                "counter\"), without names");
  }
  if (requested_by.empty() || requested_by.size() > 200) return fail(Kind::invalid, "who asks must be named");
  if (member.empty() || member.size() > 200) return fail(Kind::invalid, "name the member by id or code");
  return run_erasure(
      {.store_id = store_id, .member = member, .requested_by = requested_by, .reason = reason, .notify_admins = false},
      store_id.value_or(""));
}

}  // namespace setia::core
