#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace setia::adapters::fcm {

// What came back from one HTTPS exchange.
struct HttpResponse {
  long status = 0;  // 0: no HTTP answer at all (see `transport_error`)
  std::string body;
  std::optional<std::chrono::seconds> retry_after;  // the Retry-After header, as a wait from now
  std::string transport_error;                      // curl's explanation when status == 0
  bool timed_out = false;
  bool tls_error = false;  // the handshake or the certificate check failed
};

// Retry-After's value: delta-seconds ("7") or an HTTP-date, as a wait from
// `now` (never negative). nullopt when it is neither.
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value,
                                                      std::chrono::system_clock::time_point now);

// HTTPS POSTs over libcurl. Thread-safe: each call borrows an easy handle
// from a small pool, so connections (and TLS sessions) are reused across
// sends and threads never share a handle. Only https:// URLs are followed;
// no redirects.
class HttpsClient {
 public:
  struct Options {
    std::string ca_file;  // replaces the default CA bundle when set (the system CA directory stays)
    std::chrono::milliseconds connect_timeout{5000};
    std::chrono::milliseconds request_timeout{15000};
  };

  explicit HttpsClient(Options options);
  ~HttpsClient();
  HttpsClient(const HttpsClient&) = delete;
  HttpsClient& operator=(const HttpsClient&) = delete;

  HttpResponse post(const std::string& url, const std::vector<std::string>& headers, const std::string& body);

 private:
  void* acquire();  // CURL*, kept opaque so that users need no curl header
  void release(void* handle);

  Options options_;
  std::mutex mu_;
  std::vector<void*> idle_;
};

}  // namespace setia::adapters::fcm
