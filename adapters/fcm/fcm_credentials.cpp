#include "adapters/fcm/fcm_credentials.h"

#include <fstream>
#include <sstream>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <nlohmann/json.hpp>

namespace setia::adapters::fcm {
namespace {

std::expected<std::string, std::string> string_field(const nlohmann::json& j, const char* key, bool required) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    if (required) return std::unexpected(std::string("missing \"") + key + "\"");
    return std::string();
  }
  if (!it->is_string()) return std::unexpected(std::string("\"") + key + "\" must be a string");
  if (required && it->get_ref<const std::string&>().empty())
    return std::unexpected(std::string("\"") + key + "\" is empty");
  return it->get<std::string>();
}

bool is_rsa_private_key(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (!bio) return false;
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  const bool ok = key && EVP_PKEY_is_a(key, "RSA");
  EVP_PKEY_free(key);
  ERR_clear_error();  // a failed read leaves errors on this thread's queue
  return ok;
}

}  // namespace

std::expected<ServiceAccount, std::string> parse_service_account(const std::string& json_text) {
  nlohmann::json j = nlohmann::json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return std::unexpected(std::string("not a JSON object"));
  if (auto type = string_field(j, "type", false); !type || (!type->empty() && *type != "service_account"))
    return std::unexpected(std::string("\"type\" must be \"service_account\""));
  ServiceAccount sa;
  auto email = string_field(j, "client_email", true);
  auto key = string_field(j, "private_key", true);
  auto key_id = string_field(j, "private_key_id", false);
  auto token_uri = string_field(j, "token_uri", false);
  for (auto* f : {&email, &key, &key_id, &token_uri})
    if (!*f) return std::unexpected(f->error());
  if (!is_rsa_private_key(*key))
    return std::unexpected(std::string("\"private_key\" is not an RSA private key in PEM"));
  sa.client_email = std::move(*email);
  sa.private_key = std::move(*key);
  sa.private_key_id = std::move(*key_id);
  sa.token_uri = std::move(*token_uri);
  return sa;
}

std::expected<ServiceAccount, std::string> load_service_account(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::unexpected("cannot read service account file " + path);
  std::ostringstream text;
  text << in.rdbuf();
  auto sa = parse_service_account(text.str());
  if (!sa) return std::unexpected("service account file " + path + ": " + sa.error());
  return sa;
}

}  // namespace setia::adapters::fcm
