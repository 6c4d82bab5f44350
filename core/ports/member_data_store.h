#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "core/ports/consent_store.h"
#include "core/ports/member_history.h"
#include "core/ports/points_store.h"
#include "core/ports/profile_store.h"
#include "core/ports/reservation_store.h"
#include "core/ports/store_error.h"

namespace setia::core {

// A push device as the member registered it.
struct DeviceRow {
  std::string token, platform;
  std::int64_t created_at = 0;  // unix seconds
};

// A bearer token of the member (never the token: only what it is for).
struct SessionRow {
  long long id = 0;
  std::string label;  // register | login
  std::int64_t created_at = 0, expires_at = 0;
};

// Everything Setia keeps about one member, for the member's copy of it
// (GET /v1/me/export; docs/privacy.md lists the tables). Lists oldest
// first. Times are unix seconds.
struct MemberData {
  Profile profile;
  std::vector<PointsEntry> points;
  std::vector<Transaction> transactions;
  std::vector<VoucherRow> vouchers;
  std::vector<Reservation> reservations;
  std::vector<DeviceRow> devices;
  std::vector<NotificationRow> notifications;
  std::vector<ConsentRecord> consents;
  std::vector<SessionRow> sessions;
  std::optional<std::int64_t> password_set_at;  // none: no password (a member added at the till)
};

// What an erasure did: kept as a record without personal data.
struct ErasureRecord {
  long long id = 0;
  std::string store_id;
  long long member_id = 0;
  std::string requested_by, reason;
  long long points_forfeited = 0;
  std::string removed_json;  // what was removed or changed, counted ({"devices": 2, ...})
  std::int64_t at = 0;
  bool already = false;      // erased before this request: the first erasure's record
};

struct ErasureRequest {
  std::optional<std::string> store_id;  // none: any store (an operator)
  std::string member;                   // an id or a member code
  std::string requested_by, reason;     // for the record
  bool notify_admins = false;           // a booking it cancels tells the store's admins
};

// The member's data as a whole: read for an export, erased on request
// (migrations/0019_privacy.sql, setia_erase_member). Not thread-safe: one
// per thread.
class MemberDataStore {
 public:
  virtual ~MemberDataStore() = default;
  // Read in one snapshot. None: no such member of the store (or erased).
  virtual std::expected<std::optional<MemberData>, StoreError> member_data(const std::string& store_id,
                                                                           long long member_id) = 0;
  // In one transaction. None: no such member. An erased member (by id, or
  // by the code it had) answers its first erasure with `already`.
  virtual std::expected<std::optional<ErasureRecord>, StoreError> erase(const ErasureRequest& request) = 0;
};

}  // namespace setia::core
