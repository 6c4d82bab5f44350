#include "core/services/recovery.h"

#include <cctype>

#include "core/domain/member.h"

namespace setia::core {
namespace {

using Kind = ServiceError::Kind;

std::unexpected<ServiceError> unavailable(const StoreError& e) { return fail(Kind::unavailable, e.message); }

}  // namespace

std::string code_digits(const std::string& typed) {
  std::string out;
  for (char c : typed) {
    if (c >= '0' && c <= '9') {
      out.push_back(c);
    } else if (c != ' ' && c != '-') {
      return "";
    }
  }
  return out.size() == 8 ? out : "";
}

std::expected<RecoveryCode, ServiceError> Recovery::issue(const Profile& member, const std::string& actor) {
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(clock_.now().time_since_epoch()).count();
  const auto& m = member.member;
  auto recent = codes_.codes_since(m.store_id, m.id, now - 3600);
  if (!recent) return unavailable(recent.error());
  if (*recent >= options_.max_codes_per_hour) {
    ServiceError e{Kind::rate_limited,
                   "this member had " + std::to_string(*recent) + " codes in the last hour; try again later",
                   "too_many_codes"};
    e.retry_after_s = 600;
    return std::unexpected(std::move(e));
  }
  auto had = credentials_.password_hash(m.store_id, m.id);
  if (!had) return unavailable(had.error());
  // Eight digits from a minted token's random characters: those below 60
  // of the 64 base64url values, so that each digit is as likely.
  static constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string digits;
  while (digits.size() < 8) {
    for (char c : tokens_.mint()) {
      auto v = kAlphabet.find(c);
      if (v < 60 && digits.size() < 8) digits.push_back(static_cast<char>('0' + v % 10));
    }
  }
  RecoveryCode out{.code = digits.substr(0, 4) + "-" + digits.substr(4),
                   .purpose = *had ? "recovery" : "claim",
                   .expires_at = now + options_.code_ttl.count()};
  auto done = codes_.insert_code({.store_id = m.store_id,
                                  .member_id = m.id,
                                  .digest = tokens_.digest(digits),
                                  .purpose = out.purpose,
                                  .issued_by = actor,
                                  .expires_at = out.expires_at});
  if (!done) return unavailable(done.error());
  return out;
}

std::expected<Session, ServiceError> Recovery::redeem(const std::string& store_id, const std::string& phone,
                                                      const std::string& code, const std::string& password,
                                                      const std::string& address, bool refresh) {
  const std::string digits = code_digits(code), tel = domain::normalized_phone(phone);
  if (digits.empty()) return fail(Kind::invalid, "code must be the 8 digits the café gave, e.g. 1234-5678", "bad_code");
  if (tel.size() < 6) return fail(Kind::invalid, "phone must be the member's phone number", "bad_phone");
  // The password first: a refused one must not use the code up.
  auto hash = auth_.hash_password(password);
  if (!hash) return std::unexpected(hash.error());
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(clock_.now().time_since_epoch()).count();
  std::optional<long long> member;
  auto right = auth_.guess(store_id, "code:" + tel, address, [&] {
    auto taken = codes_.take_code(store_id, tel, tokens_.digest(digits), now);
    if (taken) member = *taken;
    return member.has_value();
  });
  if (!right) return std::unexpected(right.error());
  if (!*right) {
    return fail(Kind::unauthenticated,
                "this code does not match this phone, was used already or has expired; ask the café for a new one",
                "bad_code");
  }
  if (auto done = credentials_.set_password(store_id, *member, *hash); !done) return unavailable(done.error());
  if (auto done = credentials_.revoke_member_tokens(*member, 0); !done) return unavailable(done.error());
  auto profile = profiles_.profile(store_id, *member);
  if (!profile) return unavailable(profile.error());
  if (!*profile) return fail(Kind::unavailable, "the member is not readable now; log in with the new password");
  return auth_.issue(**profile, "recovery", refresh);
}

}  // namespace setia::core
