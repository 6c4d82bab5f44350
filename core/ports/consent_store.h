#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "core/ports/store_error.h"

namespace setia::core {

// One recorded change of a member's marketing consent: what (channel,
// granted, the wording's version), when, from where and by whom
// (docs/privacy.md, "Consent"). The last record of a channel is the state
// in force; a channel without one was never asked, which is no.
struct ConsentRecord {
  long long id = 0;
  std::string channel;  // push_promo (email_promo, whatsapp_promo reserved)
  bool granted = false;
  std::string source;   // registration | app | admin | setiactl | migration | erasure
  std::optional<std::string> address, actor, notice, note;
  std::int64_t at = 0;  // unix seconds
};

// How a change came to be, stored with each record it writes.
struct ConsentContext {
  std::string source;
  std::optional<std::string> address;  // the client's address (the app, a registration)
  std::optional<std::string> actor;    // an admin's audit name; setiactl
  std::optional<std::string> notice;   // the version of the wording the member was shown
  std::optional<std::string> note;     // why, in an admin's words
};

struct ConsentChange {
  std::string channel;
  bool granted = false;
};

// Members' marketing consents (migrations/0019_privacy.sql). Each call is
// one transaction. Not thread-safe: one per thread.
class ConsentStore {
 public:
  virtual ~ConsentStore() = default;
  // The member's records, oldest first.
  virtual std::expected<std::vector<ConsentRecord>, StoreError> consents(const std::string& store_id,
                                                                         long long member_id) = 0;
  // Records each change that changes the state in force (or gives a new
  // notice), under the member's lock, all or none. False: no such member of
  // the store (or it was erased).
  virtual std::expected<bool, StoreError> record_consents(const std::string& store_id, long long member_id,
                                                          const std::vector<ConsentChange>& changes,
                                                          const ConsentContext& context) = 0;
};

}  // namespace setia::core
