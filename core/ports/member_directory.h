#pragma once

#include <expected>
#include <optional>
#include <string>

#include "core/ports/page.h"
#include "core/ports/profile_store.h"
#include "core/ports/store_error.h"

namespace setia::core {

// Members as the store's admins find them: by id or code, or by a piece of
// their name, code, phone or email. Each call is one statement. Not
// thread-safe: one per thread.
class MemberDirectory {
 public:
  virtual ~MemberDirectory() = default;

  // `store_id` none: every store.
  virtual std::expected<std::optional<Profile>, StoreError> find_member(const std::optional<std::string>& store_id,
                                                                        const std::string& id_or_code) = 0;
  // Name, code, phone or email containing `q` (any case); by id (cursor: id).
  virtual std::expected<Page<Profile>, StoreError> search_members(const std::optional<std::string>& store_id,
                                                                  const std::string& q, const PageRequest& page) = 0;
};

}  // namespace setia::core
