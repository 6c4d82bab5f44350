#pragma once

#include <expected>
#include <functional>
#include <string>

#include "core/domain/member.h"
#include "core/ports/member_store.h"
#include "core/services/service_error.h"

namespace setia::core {

struct NewMember {
  std::string store_id;
  std::string name;
  std::string phone;
  std::optional<std::string> email;
  std::optional<std::string> birth_date;
  // Stored with the member, in the same transaction (REST registration).
  std::optional<std::string> password_hash;
};

// Registers and finds members; the CLI now and the REST adapter later call
// this, not the store.
class Members {
 public:
  // `random` returns uniformly random 64-bit values (injected for tests).
  Members(MemberStore& store, std::function<std::uint64_t()> random) : store_(store), random_(std::move(random)) {}

  std::expected<domain::Member, ServiceError> add(const NewMember& m);
  std::expected<std::optional<domain::Member>, ServiceError> find(const std::string& code);

 private:
  MemberStore& store_;
  std::function<std::uint64_t()> random_;
};

// "MAR-7Q2M9XW4": up to three letters of the store, then 8 characters of an
// alphabet without 0/O/1/I (40 random bits), easy to read aloud and type.
std::string make_member_code(const std::string& store_id, std::uint64_t random);

}  // namespace setia::core
