#include "adapters/fcm/https_client.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include <curl/curl.h>

namespace setia::adapters::fcm {
namespace {

// Bodies from FCM and the token endpoint are small; anything past this is
// not an answer we want to hold.
constexpr std::size_t kMaxBody = 1 << 20;

struct Exchange {
  std::string body;
  std::optional<std::string> retry_after;
  bool overflow = false;
};

std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  const std::size_t len = size * n;
  if (ex->body.size() + len > kMaxBody) {
    ex->overflow = true;
    return 0;  // aborts the transfer
  }
  try {
    ex->body.append(data, len);
  } catch (...) {  // nothing may unwind through curl's C frames
    ex->overflow = true;
    return 0;
  }
  return len;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::size_t on_header(char* data, std::size_t size, std::size_t n, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  const std::size_t len = size * n;
  std::string_view line(data, len);
  // A new status line (after a 100 Continue) starts a new set of headers.
  if (line.starts_with("HTTP/")) ex->retry_after.reset();
  constexpr std::string_view kName = "retry-after:";
  if (line.size() > kName.size() && std::equal(kName.begin(), kName.end(), line.begin(), [](char a, char b) {
        return a == std::tolower(static_cast<unsigned char>(b));
      }))
    ex->retry_after = std::string(trim(line.substr(kName.size())));
  return len;
}

bool is_tls_error(CURLcode rc) {
  switch (rc) {
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE: return true;
    default: return false;
  }
}

void global_init_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

std::optional<std::chrono::seconds> parse_retry_after(std::string_view value,
                                                      std::chrono::system_clock::time_point now) {
  value = trim(value);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    long long secs = 0;
    auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), secs);
    if (ec != std::errc() || p != value.data() + value.size()) return std::nullopt;
    return std::chrono::seconds(secs);
  }
  // HTTP-date ("Wed, 21 Oct 2015 07:28:00 GMT"); curl_getdate knows all
  // three forms RFC 9110 allows.
  const std::string date(value);
  const time_t when = curl_getdate(date.c_str(), nullptr);
  if (when < 0) return std::nullopt;
  const auto wait = std::chrono::ceil<std::chrono::seconds>(std::chrono::system_clock::from_time_t(when) - now);
  return std::max(wait, std::chrono::seconds(0));
}

HttpsClient::HttpsClient(Options options) : options_(std::move(options)) { global_init_once(); }

HttpsClient::~HttpsClient() {
  for (void* h : idle_) curl_easy_cleanup(static_cast<CURL*>(h));
}

void* HttpsClient::acquire() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      void* h = idle_.back();
      idle_.pop_back();
      return h;
    }
  }
  return curl_easy_init();
}

void HttpsClient::release(void* handle) {
  std::lock_guard lock(mu_);
  idle_.push_back(handle);
}

HttpResponse HttpsClient::post(const std::string& url, const std::vector<std::string>& headers,
                               const std::string& body) {
  HttpResponse out;
  CURL* curl = static_cast<CURL*>(acquire());
  if (!curl) {
    out.transport_error = "curl_easy_init failed";
    return out;
  }
  // reset keeps the handle's connection and TLS session caches.
  curl_easy_reset(curl);
  Exchange ex;
  char errbuf[CURL_ERROR_SIZE] = {};
  curl_slist* list = nullptr;
  for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
  // No "Expect: 100-continue" round trip before larger bodies.
  list = curl_slist_append(list, "Expect:");

  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "https");
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM in a threaded daemon
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.request_timeout.count()));
  if (!options_.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, options_.ca_file.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &ex);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &ex);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);

  const CURLcode rc = curl_easy_perform(curl);
  if (rc == CURLE_OK) {
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &out.status);
    out.body = std::move(ex.body);
    if (ex.retry_after) out.retry_after = parse_retry_after(*ex.retry_after, std::chrono::system_clock::now());
  } else {
    out.transport_error = ex.overflow ? "response body over 1 MiB" : (errbuf[0] ? errbuf : curl_easy_strerror(rc));
    out.timed_out = rc == CURLE_OPERATION_TIMEDOUT;
    out.tls_error = is_tls_error(rc);
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
  curl_slist_free_all(list);
  release(curl);
  return out;
}

}  // namespace setia::adapters::fcm
