#include "core/services/members.h"

#include <algorithm>
#include <cctype>

#include "core/domain/civil_date.h"
#include "core/domain/member.h"
#include "core/pipeline/topic.h"
#include "core/services/fresh_code.h"

namespace setia::core {

namespace {
constexpr std::string_view kCodeAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
}

std::string make_member_code(const std::string& store_id, std::uint64_t random) {
  std::string prefix;
  for (char c : store_id) {
    if (std::isalpha(static_cast<unsigned char>(c)) && prefix.size() < 3) {
      prefix.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    }
  }
  if (prefix.empty()) prefix = "STA";
  std::string code = prefix + "-";
  for (int i = 0; i < 8; ++i) {
    code.push_back(kCodeAlphabet[random % kCodeAlphabet.size()]);
    random /= kCodeAlphabet.size();
  }
  return code;
}

std::expected<domain::Member, ServiceError> Members::add(const NewMember& m) {
  auto invalid = [](std::string msg) {
    return std::unexpected(ServiceError{ServiceError::Kind::invalid, std::move(msg)});
  };
  if (!is_valid_store_id(m.store_id)) return invalid("store must match [a-z0-9][a-z0-9-]{0,62}");
  if (m.name.empty() || m.name.size() > 100) return invalid("name must be 1 to 100 characters");
  if (auto problem = domain::phone_problem(m.phone)) return invalid(*problem);
  if (m.email && (m.email->size() > 254 || m.email->find('@') == std::string::npos || m.email->find('@') == 0 ||
                  m.email->find('@') == m.email->size() - 1)) {
    return invalid("email must look like name@example.com");
  }
  if (m.birth_date) {
    if (auto problem = domain::birth_date_problem(*m.birth_date)) return invalid(*problem);
  }

  // Stored as it is compared (domain::normalized_phone): one phone typed
  // two ways is one phone, and taken in the store either way.
  domain::Member member{.store_id = m.store_id,
                        .name = m.name,
                        .phone = domain::normalized_phone(m.phone),
                        .email = m.email,
                        .birth_date = m.birth_date};
  using Answer = std::optional<std::expected<domain::Member, ServiceError>>;
  return with_fresh_code<domain::Member>(
      [&] { return make_member_code(m.store_id, random_()); },
      [&](const std::string& code) -> Answer {
        member.code = code;
        auto r = store_.insert(member, m.password_hash);
        if (r) return *r;
        if (auto* e = r.error().store_error()) return fail(ServiceError::Kind::unavailable, e->message);
        switch (*r.error().refusal()) {
          case MemberStore::InsertError::code_taken: return std::nullopt;
          case MemberStore::InsertError::phone_taken:
            return fail(ServiceError::Kind::conflict, "phone is already registered in this store", "phone_taken");
          case MemberStore::InsertError::email_taken:
            return fail(ServiceError::Kind::conflict, "email is already registered in this store", "email_taken");
        }
        return fail(ServiceError::Kind::unavailable, "unexpected answer from the store");
      },
      "member code");
}

std::expected<std::optional<domain::Member>, ServiceError> Members::find(const std::string& code) {
  auto r = store_.find_by_code(code);
  if (!r) return std::unexpected(ServiceError{ServiceError::Kind::unavailable, r.error().message});
  return *r;
}

}  // namespace setia::core
