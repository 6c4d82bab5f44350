#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <string>

#include "core/ports/clock.h"
#include "core/ports/credential_store.h"
#include "core/ports/credentials.h"
#include "core/ports/profile_store.h"
#include "core/ports/recovery_store.h"
#include "core/services/auth.h"
#include "core/services/service_error.h"

namespace setia::core {

struct RecoveryOptions {
  std::chrono::seconds code_ttl{std::chrono::minutes(15)};
  int max_codes_per_hour = 3;  // per member: a code is read out at the counter, not sprayed
};

// A code just issued: shown to the member once, at the counter.
struct RecoveryCode {
  std::string code;             // eight digits, "1234-5678"
  std::string purpose;          // recovery (the member had a password) | claim (a first one)
  std::int64_t expires_at = 0;  // unix seconds
};

// A member's way back in (docs/rest-api-auth.md): an owner or staff member
// issues a one-time code; with it and their phone the member sets a new
// password, or a first one for an account enrolled at the till or by
// setiactl, and is logged in. Codes are short-lived, single use, few per
// hour, and their guesses count like wrong passwords. One per thread.
class Recovery {
 public:
  Recovery(RecoveryStore& codes, CredentialStore& credentials, ProfileStore& profiles, Auth& auth, TokenMinter& tokens,
           const Clock& clock, RecoveryOptions options = {})
      : codes_(codes),
        credentials_(credentials),
        profiles_(profiles),
        auth_(auth),
        tokens_(tokens),
        clock_(clock),
        options_(options) {}

  // For a member of the admin's store (the caller checked the scope).
  std::expected<RecoveryCode, ServiceError> issue(const Profile& member, const std::string& actor);
  // The member's new password, with the code and their phone; their other
  // tokens end, and they are logged in (`refresh`: with a refresh token).
  std::expected<Session, ServiceError> redeem(const std::string& store_id, const std::string& phone,
                                              const std::string& code, const std::string& password,
                                              const std::string& address, bool refresh);

 private:
  RecoveryStore& codes_;
  CredentialStore& credentials_;
  ProfileStore& profiles_;
  Auth& auth_;
  TokenMinter& tokens_;
  const Clock& clock_;
  RecoveryOptions options_;
};

// A code as the member may type it: its eight digits, whatever else they
// typed between them (spaces, a dash); empty when it has not eight.
std::string code_digits(const std::string& typed);

}  // namespace setia::core
