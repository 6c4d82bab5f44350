#include "adapters/fcm/oauth_token_source.h"

#include <algorithm>
#include <cctype>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <nlohmann/json.hpp>

#include "core/support/log.h"

namespace setia::adapters::fcm {
namespace {

std::string base64url(std::string_view in) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(in[k]); };
  for (; i + 2 < in.size(); i += 3) {
    const unsigned v = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    for (int shift : {18, 12, 6, 0}) out += kAlphabet[(v >> shift) & 63];
  }
  if (i + 1 == in.size()) {
    const unsigned v = byte(i) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
  } else if (i + 2 == in.size()) {
    const unsigned v = byte(i) << 16 | byte(i + 1) << 8;
    for (int shift : {18, 12, 6}) out += kAlphabet[(v >> shift) & 63];
  }
  return out;  // no '=' padding: JWS (RFC 7515 §2)
}

std::string url_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string openssl_error() {
  const unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

// "400 invalid_grant: Invalid JWT Signature." from an OAuth2 error body.
std::string describe_token_error(const HttpResponse& r) {
  std::string what = std::to_string(r.status);
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (j.is_object()) {
    if (auto e = j.find("error"); e != j.end() && e->is_string()) what += " " + e->get<std::string>();
    if (auto d = j.find("error_description"); d != j.end() && d->is_string()) what += ": " + d->get<std::string>();
  }
  return what;
}

}  // namespace

std::expected<std::unique_ptr<OAuthTokenSource>, std::string> OAuthTokenSource::create(ServiceAccount account,
                                                                                       std::string token_uri,
                                                                                       HttpsClient& http,
                                                                                       const core::Clock& clock) {
  BIO* bio = BIO_new_mem_buf(account.private_key.data(), static_cast<int>(account.private_key.size()));
  EVP_PKEY* key = bio ? PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr) : nullptr;
  BIO_free(bio);
  if (!key) return std::unexpected("service account private_key: " + openssl_error());
  return std::unique_ptr<OAuthTokenSource>(
      new OAuthTokenSource(std::move(account), std::move(token_uri), http, clock, key));
}

OAuthTokenSource::OAuthTokenSource(ServiceAccount account, std::string token_uri, HttpsClient& http,
                                   const core::Clock& clock, void* key)
    : account_(std::move(account)), token_uri_(std::move(token_uri)), http_(http), clock_(clock), key_(key) {}

OAuthTokenSource::~OAuthTokenSource() { EVP_PKEY_free(static_cast<EVP_PKEY*>(key_)); }

std::expected<std::string, std::string> OAuthTokenSource::assertion(std::chrono::system_clock::time_point now) const {
  nlohmann::json header = {{"alg", "RS256"}, {"typ", "JWT"}};
  if (!account_.private_key_id.empty()) header["kid"] = account_.private_key_id;
  const auto iat = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  const nlohmann::json claims = {{"iss", account_.client_email},
                                 {"scope", kScope},
                                 {"aud", token_uri_},
                                 {"iat", iat},
                                 {"exp", iat + 3600}};  // the longest Google accepts
  const std::string signing_input = base64url(header.dump()) + "." + base64url(claims.dump());

  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  std::string sig;
  std::size_t len = 0;
  bool ok = ctx && EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, static_cast<EVP_PKEY*>(key_)) == 1 &&
            EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(signing_input.data()),
                           signing_input.size()) == 1;
  if (ok) {
    sig.resize(len);
    ok = EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                        reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size()) == 1;
    sig.resize(len);
  }
  EVP_MD_CTX_free(ctx);
  if (!ok) return std::unexpected("signing the OAuth2 assertion: " + openssl_error());
  return signing_input + "." + base64url(sig);
}

std::expected<std::string, std::string> OAuthTokenSource::token() {
  std::lock_guard lock(mu_);
  const auto now = clock_.now();
  if (!token_.empty() && now < refresh_at_) return token_;
  auto fresh = fetch(now);
  if (fresh) return fresh;
  // The endpoint is down but the old token still has minutes left: use it.
  if (!token_.empty() && now < expires_at_) {
    log::get("fcm")->warn("token refresh failed ({}); the current token is valid for {} s more", fresh.error(),
                          std::chrono::duration_cast<std::chrono::seconds>(expires_at_ - now).count());
    return token_;
  }
  return fresh;
}

void OAuthTokenSource::invalidate(const std::string& token) {
  std::lock_guard lock(mu_);
  if (token == token_) token_.clear();
}

std::expected<std::string, std::string> OAuthTokenSource::fetch(std::chrono::system_clock::time_point now) {
  auto jwt = assertion(now);
  if (!jwt) return std::unexpected(jwt.error());
  const std::string form =
      "grant_type=" + url_encode("urn:ietf:params:oauth:grant-type:jwt-bearer") + "&assertion=" + url_encode(*jwt);
  HttpResponse r = http_.post(token_uri_, {"Content-Type: application/x-www-form-urlencoded"}, form);
  if (r.status == 0)
    return std::unexpected("oauth token: " + std::string(r.tls_error ? "TLS: " : "") + r.transport_error);
  if (r.status != 200) return std::unexpected("oauth token: " + describe_token_error(r));
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (!j.is_object() || !j.contains("access_token") || !j["access_token"].is_string() ||
      j["access_token"].get_ref<const std::string&>().empty())
    return std::unexpected(std::string("oauth token: answer without access_token"));
  long long expires_in = 3600;
  if (auto e = j.find("expires_in"); e != j.end() && e->is_number_integer()) expires_in = e->get<long long>();
  if (expires_in <= 0) return std::unexpected(std::string("oauth token: expires_in is not positive"));
  const auto lifetime = std::chrono::seconds(expires_in);
  token_ = j["access_token"].get<std::string>();
  expires_at_ = now + lifetime;
  // Refresh 5 minutes early; a token that lives shorter than that (never
  // from Google) is refreshed halfway instead.
  refresh_at_ = lifetime > kRefreshMargin ? expires_at_ - kRefreshMargin : now + lifetime / 2;
  log::get("fcm")->info("new OAuth2 access token, valid {} s", expires_in);
  return token_;
}

}  // namespace setia::adapters::fcm
