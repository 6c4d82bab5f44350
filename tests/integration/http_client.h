#pragma once

// A small HTTP/1.1 client over a raw socket for the REST tests: keep-alive
// by default (one connection reused while the server keeps it), and raw
// access for the tests of limits, slow clients and malformed requests.
#include <chrono>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace setia::it {

struct HttpResponse {
  int status = 0;                              // 0: no response (connection closed or timed out)
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  nlohmann::json json() const;                 // the body parsed (discarded when not JSON)
  std::string header(const std::string& name) const;
};

class HttpClient {
 public:
  explicit HttpClient(int port) : port_(port) {}
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpResponse request(const std::string& method, const std::string& target, const std::string& body = "",
                       const std::string& token = "", const std::map<std::string, std::string>& headers = {});
  HttpResponse get(const std::string& target, const std::string& token = "") {
    return request("GET", target, "", token);
  }
  HttpResponse post(const std::string& target, const nlohmann::json& body, const std::string& token = "") {
    return request("POST", target, body.dump(), token, {{"Content-Type", "application/json"}});
  }
  HttpResponse patch(const std::string& target, const nlohmann::json& body, const std::string& token = "") {
    return request("PATCH", target, body.dump(), token, {{"Content-Type", "application/json"}});
  }
  HttpResponse del(const std::string& target, const std::string& token = "") {
    return request("DELETE", target, "", token);
  }

  // Connections opened so far (1 while keep-alive holds).
  int connections() const { return connections_; }
  bool connected() const { return fd_ >= 0; }
  void close();

 private:
  bool connect();
  int port_;
  int fd_ = -1;
  int connections_ = 0;
  std::string pending_;  // bytes read past the last response
};

// Raw socket helpers.
int tcp_connect(int port);                       // -1 on failure
bool send_all(int fd, const std::string& bytes);
// Reads one response (headers and Content-Length body) from `fd`, `carry`
// holding bytes read before; status 0 when the peer closed or `timeout` passed.
HttpResponse read_response(int fd, std::string& carry, std::chrono::milliseconds timeout = std::chrono::seconds(20));
// True when the peer closes the connection within `timeout` (reads drained).
bool closed_by_peer(int fd, std::chrono::milliseconds timeout);

}  // namespace setia::it
