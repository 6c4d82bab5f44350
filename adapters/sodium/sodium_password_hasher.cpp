#include "adapters/sodium/sodium_password_hasher.h"

#include <stdexcept>

#include <sodium.h>

namespace setia::adapters::sodium {

SodiumPasswordHasher::SodiumPasswordHasher(Argon2Cost cost) : cost_(cost) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
  if (cost_.opslimit < crypto_pwhash_OPSLIMIT_MIN) cost_.opslimit = crypto_pwhash_OPSLIMIT_MIN;
  if (cost_.memlimit < crypto_pwhash_MEMLIMIT_MIN) cost_.memlimit = crypto_pwhash_MEMLIMIT_MIN;
}

std::optional<std::string> SodiumPasswordHasher::hash(std::string_view password) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), cost_.opslimit, cost_.memlimit,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return std::nullopt;  // out of memory
  }
  return std::string(out);
}

bool SodiumPasswordHasher::verify(const std::string& encoded, std::string_view password) {
  if (encoded.empty() || encoded.size() >= crypto_pwhash_STRBYTES) return false;
  return crypto_pwhash_str_verify(encoded.c_str(), password.data(), password.size()) == 0;
}

bool SodiumPasswordHasher::needs_rehash(const std::string& encoded) {
  // 1: other parameters; -1: not an argon2id string at all (rehash it too).
  return crypto_pwhash_str_needs_rehash(encoded.c_str(), cost_.opslimit, cost_.memlimit) != 0;
}

}  // namespace setia::adapters::sodium
