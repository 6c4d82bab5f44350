#pragma once

#include "core/ports/credentials.h"

namespace setia::adapters::sodium {

// core::TokenMinter: 32 bytes from libsodium's CSPRNG as unpadded
// base64url (43 characters); digests are SHA-256 in lowercase hex.
class SodiumTokenMinter final : public core::TokenMinter {
 public:
  SodiumTokenMinter();  // throws std::runtime_error when libsodium cannot start

  // core::TokenMinter
  std::string mint() override;
  std::string digest(std::string_view token) override;
};

}  // namespace setia::adapters::sodium
