#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "adapters/rest/http_message.h"

namespace setia::adapters::rest {

struct ServerLimits {
  std::size_t body_limit = 64 * 1024;     // larger: 413 and the connection closed
  std::uint32_t header_limit = 8 * 1024;  // larger: 431 and closed
  std::chrono::seconds read_timeout{15};  // a whole request, and the idle wait before it
  std::chrono::seconds write_timeout{15};
  // Open connections, every listener together; one more is answered 503
  // and closed at once. Lowered at start to what RLIMIT_NOFILE leaves.
  std::size_t max_connections = 4096;
  // Requests read and waiting for a handler thread; one more is answered
  // 503 (with Retry-After) at once, by the I/O thread.
  std::size_t max_queued = 1024;
};

// Called on a worker thread for every complete request. It must not throw
// (RestApi::handle catches everything); the server guards it anyway.
using RequestHandler = std::function<Response(const Request&)>;

// HTTP/1.1 on Boost.Beast: one io_context run by one I/O thread, a strand
// per connection, keep-alive, body and header limits, a deadline on every
// read and write (a slow client is dropped). Handlers run on a pool of
// `threads` threads of their own: they may block on the database (or on an
// argon2 hash) without holding up reads, writes, accepts or timeouts; at
// most limits.max_queued requests wait for them, the next is a 503.
class Server {
 public:
  Server(int threads, ServerLimits limits);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds "host:port" (an IP address; port 0 takes a free one) and serves
  // `handler` there once started. Returns the bound "ip:port".
  std::expected<std::string, std::string> listen(const std::string& address, RequestHandler handler);

  void start();
  // Stops accepting, closes the connections, joins the threads.
  void stop();

  // Requests waiting for a handler thread or in one now, for /metrics.
  std::size_t queued() const;

  // Told about each request answered before it reached a handler (413,
  // 431, 400, and 503 when the handlers' queue is full), for metrics.
  std::function<void(unsigned status)> on_refused;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// "10.0.0.5, ::1" -> each address as Asio writes it (so that it compares
// equal to a peer's address); the first entry that is not an IP address
// is the error.
std::expected<std::vector<std::string>, std::string> parse_address_list(const std::string& text);

// "127.0.0.1:8080" / "[::1]:8080" -> host and port; none when malformed.
struct HostPort {
  std::string host;
  unsigned short port = 0;
};
std::expected<HostPort, std::string> parse_host_port(const std::string& address);

}  // namespace setia::adapters::rest
