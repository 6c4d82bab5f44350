#pragma once

// In C++20/23 mode <utility> must come before Asio: otherwise Asio's
// awaitable.hpp fails with "'exchange' is not a member of 'std'" (g++ 12).
#include <utility>

#include <atomic>
#include <memory>
#include <optional>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "adapters/rest/server.h"

namespace setia::adapters::rest {

// Where handlers run: a pool of threads of their own, off the I/O thread,
// with a bound on the requests waiting for it (server.cpp owns it).
struct HandlerPool {
  explicit HandlerPool(std::size_t threads, std::size_t max_queued_in) : pool(threads), max_queued(max_queued_in) {}
  boost::asio::thread_pool pool;
  std::atomic<std::size_t> queued{0};
  std::size_t max_queued;
};

// One HTTP connection: read a request (within the limits and the read
// deadline), hand it to the handler, write the answer, and again while the
// client keeps the connection alive. Errors of the connection are never
// thrown: every Beast call takes an error_code.
class Session : public std::enable_shared_from_this<Session> {
 public:
  // `slot` is held as long as the connection lives (the server's count of
  // open connections).
  Session(boost::asio::ip::tcp::socket socket, const ServerLimits& limits, const RequestHandler& handler,
          const std::function<void(unsigned)>& on_refused, HandlerPool& handlers, std::shared_ptr<void> slot = nullptr);
  void run();

 private:
  void read();
  void on_read(boost::beast::error_code ec);
  void refuse(unsigned status, const char* code, const char* message);
  void send(Response response, bool keep_alive, unsigned version);
  void close();

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  const ServerLimits& limits_;
  const RequestHandler& handler_;
  const std::function<void(unsigned)>& on_refused_;
  HandlerPool& handlers_;
  std::string client_address_;
  std::shared_ptr<void> slot_;
};

}  // namespace setia::adapters::rest
