#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace setia::core {

// Password hashing (argon2id in the libsodium adapter). Slow on purpose:
// call it off any latency-critical thread. Implementations are thread-safe.
class PasswordHasher {
 public:
  virtual ~PasswordHasher() = default;
  // The encoded hash ("$argon2id$v=19$m=...,t=...,p=1$..."), or none when
  // the hasher could not get its memory.
  virtual std::optional<std::string> hash(std::string_view password) = 0;
  virtual bool verify(const std::string& encoded, std::string_view password) = 0;
  // True when `encoded` was made with other parameters than the hasher's
  // now: rehash it at the next successful login.
  virtual bool needs_rehash(const std::string& encoded) = 0;
};

// Bearer tokens: opaque random strings, of which only a digest is stored,
// so that a copy of the database opens no account. Thread-safe.
class TokenMinter {
 public:
  virtual ~TokenMinter() = default;
  virtual std::string mint() = 0;                            // 32 random bytes, base64url
  virtual std::string digest(std::string_view token) = 0;    // SHA-256, lowercase hex
};

}  // namespace setia::core
