#pragma once

// Members in memory, by code (the loyalty services' unit tests).

#include <map>
#include <string>
#include "core/ports/member_store.h"

namespace setia::core::fakes {

class FakeMembers final : public MemberStore {
 public:
  std::map<std::string, domain::Member> by_code;
  void add(const std::string& code, const std::string& store, domain::Points points = 0) {
    by_code[code] = domain::Member{.id = static_cast<long long>(by_code.size() + 1),
                                   .store_id = store,
                                   .code = code,
                                   .name = "Ocha",
                                   .phone = "081211110001",
                                   .email = {},
                                   .birth_date = {},
                                   .points = points,
                                   .created_at = {}};
  }
  std::expected<domain::Member, InsertFailure> insert(const domain::Member& m,
                                                      const std::optional<std::string>&) override {
    return m;
  }
  std::expected<std::optional<domain::Member>, StoreError> find_by_code(const std::string& code) override {
    auto it = by_code.find(code);
    if (it == by_code.end()) return std::nullopt;
    return it->second;
  }
};

}  // namespace setia::core::fakes
