#pragma once

#include <expected>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/ports/clock.h"
#include "core/ports/credential_store.h"
#include "core/ports/credentials.h"
#include "core/ports/member_data_store.h"
#include "core/ports/profile_store.h"
#include "core/services/auth.h"
#include "core/services/rules_source.h"
#include "core/services/service_error.h"

namespace setia::core {

// The member's copy of their data as one JSON document (the schema
// "setia.member.export/1", docs/privacy.md "Export"): profile, points with
// why, sales with lines and e-nota links, vouchers, reservations, devices
// (tokens shortened), notifications, consents with their record, sessions.
// `base_url` is the base of the e-nota links; `now` is when it was made.
nlohmann::json member_export_json(const MemberData& data, const rules::RuleBook* book, const std::string& base_url,
                                  std::int64_t now);

// A device token as an export shows it: enough to recognise the phone, not
// enough to address it ("dGhpc2lz…QwNTE", 8 and 4 characters).
std::string shortened_token(const std::string& token);

// What the member asks in the app (DELETE /v1/me).
struct OwnErasure {
  std::string current_password;
  bool forfeit_points = false;  // the balance lapses: said "yes" to it
  std::string address;          // the client's, for the password throttle
};

// The member's data rights (UU PDP): a copy of everything (export) and
// erasure, asked by the member in the app or by the store's owner or an
// operator on the member's request (REST and setiactl share this).
// Erasure keeps the books: docs/privacy.md, "Erasure". One per thread.
class DataRights {
 public:
  DataRights(MemberDataStore& data, ProfileStore& profiles, RulesSource rules, const Clock& clock)
      : data_(data), profiles_(profiles), rules_(std::move(rules)), clock_(clock) {}
  // With the member's own erasure (the password checked and throttled as a
  // password change is: core::Auth).
  DataRights(MemberDataStore& data, ProfileStore& profiles, RulesSource rules, const Clock& clock, Auth& auth,
             CredentialStore& credentials, PasswordHasher& hasher)
      : data_(data),
        profiles_(profiles),
        rules_(std::move(rules)),
        clock_(clock),
        auth_(&auth),
        credentials_(&credentials),
        hasher_(&hasher) {}

  // Member `member_id` of `store_id` (not erased).
  std::expected<nlohmann::json, ServiceError> export_member(const std::string& store_id, long long member_id,
                                                            const std::string& base_url);
  // The member's own request: their current password, and forfeit_points
  // when they have points (409 points_would_lapse otherwise, saying how many).
  std::expected<ErasureRecord, ServiceError> erase_own(const Principal& who, const OwnErasure& request);
  // An owner's or operator's, on the member's request: `member` is an id or
  // a code in `store_id` (none: any store); `requested_by` the audit name,
  // `reason` why (a ticket, "asked at the counter"; no names). A second
  // erasure answers the first one's record (`already`).
  std::expected<ErasureRecord, ServiceError> erase(const std::optional<std::string>& store_id,
                                                   const std::string& member, const std::string& requested_by,
                                                   const std::string& reason);

 private:
  std::expected<ErasureRecord, ServiceError> run_erasure(ErasureRequest request, const std::string& store_id);

  MemberDataStore& data_;
  ProfileStore& profiles_;
  RulesSource rules_;
  const Clock& clock_;
  Auth* auth_ = nullptr;
  CredentialStore* credentials_ = nullptr;
  PasswordHasher* hasher_ = nullptr;
};

}  // namespace setia::core
