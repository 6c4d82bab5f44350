#pragma once

// The member's data rights in memory: consents with setia_record_consent's
// rules (a row only when the state in force changes or a new notice comes;
// none for a member not in the table), and a member's data read from and
// erased in a FakeMemberTable (an erased member leaves the table, its
// record stays and answers a second erasure by id or by the old code).

#include <map>
#include <string>
#include <vector>

#include "core/ports/consent_store.h"
#include "core/ports/member_data_store.h"
#include "tests/fakes/fake_member_table.h"

namespace setia::core::fakes {

class FakeConsents final : public ConsentStore {
 public:
  explicit FakeConsents(FakeMemberTable& members) : members_(members) {}
  std::map<long long, std::vector<ConsentRecord>> by_member;
  std::int64_t now = 1'800'000'000;

  std::expected<std::vector<ConsentRecord>, StoreError> consents(const std::string&, long long member_id) override {
    return by_member[member_id];
  }
  std::expected<bool, StoreError> record_consents(const std::string& store_id, long long member_id,
                                                  const std::vector<ConsentChange>& changes,
                                                  const ConsentContext& context) override {
    auto it = members_.rows.find(member_id);
    if (it == members_.rows.end() || it->second.member.store_id != store_id) return false;
    auto& records = by_member[member_id];
    for (const auto& c : changes) {
      const ConsentRecord* last = nullptr;
      for (const auto& r : records) {
        if (r.channel == c.channel) last = &r;
      }
      if (last && last->granted == c.granted && (!context.notice || context.notice == last->notice)) continue;
      records.push_back({.id = ++next_id_,
                         .channel = c.channel,
                         .granted = c.granted,
                         .source = context.source,
                         .address = context.address,
                         .actor = context.actor,
                         .notice = context.notice,
                         .note = context.note,
                         .at = now});
      if (c.channel == "push_promo") it->second.promo_pushes = c.granted;
    }
    return true;
  }

 private:
  FakeMemberTable& members_;
  long long next_id_ = 0;
};

class FakeMemberData final : public MemberDataStore {
 public:
  FakeMemberData(FakeMemberTable& members, FakeConsents& consents) : members_(members), consents_(consents) {}
  std::map<long long, std::vector<DeviceRow>> devices;       // by member
  std::map<long long, std::vector<Transaction>> sales;       // by member
  std::vector<ErasureRecord> erasures;
  std::vector<ErasureRequest> requests;  // every erase() as it came
  std::map<std::string, long long> erased_codes;             // old code -> erasure index
  std::int64_t now = 1'800'000'000;

  std::expected<std::optional<MemberData>, StoreError> member_data(const std::string& store_id,
                                                                   long long member_id) override {
    auto it = members_.rows.find(member_id);
    if (it == members_.rows.end() || it->second.member.store_id != store_id) return std::nullopt;
    MemberData d;
    d.profile = it->second;
    d.devices = devices[member_id];
    d.transactions = sales[member_id];
    d.consents = consents_.by_member[member_id];
    return d;
  }

  std::expected<std::optional<ErasureRecord>, StoreError> erase(const ErasureRequest& r) override {
    requests.push_back(r);
    for (const auto& e : erasures) {
      if ((std::to_string(e.member_id) == r.member || erased_code(e) == r.member) &&
          (!r.store_id || *r.store_id == e.store_id)) {
        auto again = e;
        again.already = true;
        return again;
      }
    }
    for (auto it = members_.rows.begin(); it != members_.rows.end(); ++it) {
      const auto& m = it->second.member;
      if (r.store_id && m.store_id != *r.store_id) continue;
      if (std::to_string(m.id) != r.member && m.code != r.member) continue;
      ErasureRecord e{.id = static_cast<long long>(erasures.size()) + 1,
                      .store_id = m.store_id,
                      .member_id = m.id,
                      .requested_by = r.requested_by,
                      .reason = r.reason,
                      .points_forfeited = m.points,
                      .removed_json = R"({"devices": )" + std::to_string(devices[m.id].size()) + "}",
                      .at = now,
                      .already = false};
      erased_codes[m.code] = e.id;
      devices.erase(m.id);
      members_.rows.erase(it);
      erasures.push_back(e);
      return e;
    }
    return std::nullopt;
  }

 private:
  std::string erased_code(const ErasureRecord& e) const {
    for (const auto& [code, id] : erased_codes) {
      if (id == e.id) return code;
    }
    return {};
  }
  FakeMemberTable& members_;
  FakeConsents& consents_;
};

}  // namespace setia::core::fakes
