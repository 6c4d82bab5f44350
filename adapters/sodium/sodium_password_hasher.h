#pragma once

#include <cstddef>

#include "core/ports/credentials.h"

namespace setia::adapters::sodium {

// argon2id cost. libsodium's "interactive" level by default (t=2, 64 MiB):
// ~0.1 s and 64 MiB per hash here, so a login costs the server about what
// a guess costs an attacker with the same hardware.
struct Argon2Cost {
  unsigned long long opslimit = 2;
  std::size_t memlimit = 64u * 1024 * 1024;  // bytes
};

// core::PasswordHasher with libsodium's crypto_pwhash_str_alg (argon2id13).
class SodiumPasswordHasher final : public core::PasswordHasher {
 public:
  // Throws std::runtime_error when libsodium cannot start (no entropy).
  explicit SodiumPasswordHasher(Argon2Cost cost = {});

  // core::PasswordHasher
  std::optional<std::string> hash(std::string_view password) override;
  bool verify(const std::string& encoded, std::string_view password) override;
  bool needs_rehash(const std::string& encoded) override;

 private:
  Argon2Cost cost_;
};

}  // namespace setia::adapters::sodium
