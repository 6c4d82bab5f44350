#include "adapters/sodium/sodium_token_minter.h"

#include <stdexcept>

#include <sodium.h>

namespace setia::adapters::sodium {

SodiumTokenMinter::SodiumTokenMinter() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
}

std::string SodiumTokenMinter::mint() {
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  char out[sodium_base64_ENCODED_LEN(sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(out, sizeof out, bytes, sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(bytes, sizeof bytes);
  return out;
}

std::string SodiumTokenMinter::digest(std::string_view token) {
  unsigned char hash[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(hash, reinterpret_cast<const unsigned char*>(token.data()), token.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
  return hex;
}

}  // namespace setia::adapters::sodium
