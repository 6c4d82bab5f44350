#include "core/services/consents.h"

#include <algorithm>

#include "core/services/free_text.h"

namespace setia::core {
namespace {

using Kind = ServiceError::Kind;

bool members_own(const std::string& source) { return source == "registration" || source == "app"; }

std::string channel_list() {
  std::string out;
  for (auto c : kConsentChannels) out += (out.empty() ? "" : ", ") + std::string(c);
  return out;
}

}  // namespace

bool is_consent_channel(std::string_view channel) {
  return std::find(std::begin(kConsentChannels), std::end(kConsentChannels), channel) != std::end(kConsentChannels);
}

ConsentView consent_view(std::vector<ConsentRecord> records) {
  std::sort(records.begin(), records.end(), [](const auto& a, const auto& b) { return a.id > b.id; });
  ConsentView v;
  for (auto channel : kConsentChannels) {
    ConsentState s{.channel = std::string(channel), .granted = false, .since = std::nullopt};
    for (const auto& r : records) {
      if (r.channel == channel) {
        s.granted = r.granted;
        s.since = r;
        break;  // newest first: the one in force
      }
    }
    v.channels.push_back(std::move(s));
  }
  v.history = std::move(records);
  return v;
}

std::expected<ConsentView, ServiceError> Consents::view(const std::string& store_id, long long member_id) {
  auto records = store_.consents(store_id, member_id);
  if (!records) return fail(Kind::unavailable, records.error().message);
  return consent_view(std::move(*records));
}

std::expected<ConsentView, ServiceError> Consents::record(const std::string& store_id, long long member_id,
                                                          const std::vector<ConsentChange>& changes,
                                                          const ConsentContext& context) {
  if (changes.empty()) return fail(Kind::invalid, "name a channel to change: " + channel_list());
  for (const auto& c : changes) {
    if (!is_consent_channel(c.channel)) {
      return fail(Kind::invalid, "'" + c.channel + "' is not a channel Setia sends on; channels: " + channel_list(),
                  "unknown_channel");
    }
    if (c.granted && !members_own(context.source)) {
      return fail(Kind::forbidden, "only the member can opt in (in the app); an admin records a withdrawal only",
                  "opt_in_is_the_members");
    }
  }
  if (context.notice && (context.notice->empty() || context.notice->size() > 100 || !printable(*context.notice))) {
    return fail(Kind::invalid, "notice must be 1 to 100 printable characters: the version of the wording shown");
  }
  if (context.note && (context.note->size() > 500 || !printable(*context.note))) {
    return fail(Kind::invalid, "note must be at most 500 printable characters");
  }
  auto done = store_.record_consents(store_id, member_id, changes, context);
  if (!done) return fail(Kind::unavailable, done.error().message);
  if (!*done) return fail(Kind::not_found, "no such member", "no_such_member");
  return view(store_id, member_id);
}

}  // namespace setia::core
