#pragma once

#include <expected>
#include <string>

namespace setia::adapters::fcm {

// The parts of a Google service-account key file that sign the OAuth2
// assertion. The file is a secret: it is read, never logged.
struct ServiceAccount {
  std::string client_email;    // the JWT's iss
  std::string private_key;     // PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----")
  std::string private_key_id;  // the JWT header's kid; may be empty
  std::string token_uri;       // may be empty (then the configured one)
};

// Parses and checks a key file's text: JSON, client_email and private_key
// present, the key an RSA private key OpenSSL can read. The error says which
// field is wrong, never its value.
std::expected<ServiceAccount, std::string> parse_service_account(const std::string& json_text);

// Reads `path` and parses it; the error names the file.
std::expected<ServiceAccount, std::string> load_service_account(const std::string& path);

}  // namespace setia::adapters::fcm
