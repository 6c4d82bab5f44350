#pragma once

#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ports/consent_store.h"
#include "core/services/service_error.h"

namespace setia::core {

// The marketing channels a member may consent to: those Setia uses. The
// schema reserves more (email_promo, whatsapp_promo); consent to a channel
// nothing sends on is not asked for (docs/privacy.md).
inline constexpr std::string_view kConsentChannels[] = {"push_promo"};

bool is_consent_channel(std::string_view channel);

// A channel's state in force, with the record that set it (none: never
// asked, which is no).
struct ConsentState {
  std::string channel;
  bool granted = false;
  std::optional<ConsentRecord> since;
};

struct ConsentView {
  std::vector<ConsentState> channels;   // every channel of kConsentChannels
  std::vector<ConsentRecord> history;   // newest first
};

// The state in force of each channel from a member's records (any order).
ConsentView consent_view(std::vector<ConsentRecord> records);

// Members' marketing consent: opt-in, per channel, every change recorded
// with what, when, from where (docs/privacy.md, "Consent"). One per thread.
class Consents {
 public:
  explicit Consents(ConsentStore& store) : store_(store) {}

  std::expected<ConsentView, ServiceError> view(const std::string& store_id, long long member_id);
  // Records `changes` as `context` says they came. The member's own
  // sources (registration, app) may grant and withdraw; an admin, an
  // operator or setiactl only withdraw (a member's request by phone or at
  // the counter): an opt-in is the member's to give, in the app.
  std::expected<ConsentView, ServiceError> record(const std::string& store_id, long long member_id,
                                                  const std::vector<ConsentChange>& changes,
                                                  const ConsentContext& context);

 private:
  ConsentStore& store_;
};

}  // namespace setia::core
