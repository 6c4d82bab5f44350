#include "adapters/rest/session.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>

#include "adapters/rest/beast_request.h"
#include "adapters/rest/http_errors.h"

namespace setia::adapters::rest {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

Session::Session(net::ip::tcp::socket socket, const ServerLimits& limits, const RequestHandler& handler,
                 const std::function<void(unsigned)>& on_refused, HandlerPool& handlers, std::shared_ptr<void> slot)
    : stream_(std::move(socket)),
      limits_(limits),
      handler_(handler),
      on_refused_(on_refused),
      handlers_(handlers),
      slot_(std::move(slot)) {
  beast::error_code ec;
  auto ep = stream_.socket().remote_endpoint(ec);
  if (!ec) client_address_ = ep.address().to_string();
}

void Session::run() {
  // Start on the connection's strand: every handler of this session runs
  // there, one at a time.
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read(); });
}

void Session::read() {
  parser_.emplace();
  parser_->body_limit(limits_.body_limit);
  parser_->header_limit(limits_.header_limit);
  // One deadline for the whole request, including the idle wait of a
  // kept-alive connection: a client that trickles bytes (slowloris) is
  // dropped when it passes.
  stream_.expires_after(limits_.read_timeout);
  http::async_read(stream_, buffer_, *parser_,
                   [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
}

void Session::on_read(beast::error_code ec) {
  if (ec == http::error::end_of_stream) return close();
  if (ec == beast::error::timeout) return;  // the stream closed the socket already
  if (ec == http::error::body_limit) {
    return refuse(413, "too_large", "the request body is larger than the limit");
  }
  if (ec == http::error::header_limit) {
    return refuse(431, "headers_too_large", "the request headers are larger than the limit");
  }
  if (ec) {
    // A malformed request gets a 400 when the socket still works; a reset
    // or an aborted read just ends the session.
    if (ec.category() == http::make_error_code(http::error::bad_target).category()) {
      return refuse(400, "invalid", "the request is not valid HTTP/1.1");
    }
    return close();
  }
  const auto& msg = parser_->get();
  const bool keep_alive = msg.keep_alive();
  const unsigned version = msg.version();
  if (handlers_.queued.fetch_add(1) >= handlers_.max_queued) {
    // Every handler thread is busy and the queue is full: say so now
    // rather than let the request wait past the client's patience.
    handlers_.queued.fetch_sub(1);
    if (on_refused_) on_refused_(503);
    auto res = error_response(ApiError(503, "unavailable", kUnavailableText, {}, 1));
    return send(std::move(res), keep_alive, version);
  }
  // The request is read from the parser, which stays as it is until the
  // answer is written (read() makes the next one).
  net::post(handlers_.pool,
            [self = shared_from_this(), request = to_request(msg, client_address_), keep_alive, version]() mutable {
              Response res;
              try {
                res = self->handler_(request);
              } catch (const std::exception&) {
      // RestApi::handle catches everything; this is the last guard.
                res = error_response(ApiError(500, "internal", "internal error"));
              } catch (...) {
                res = error_response(ApiError(500, "internal", "internal error"));
              }
              self->handlers_.queued.fetch_sub(1);
              net::post(self->stream_.get_executor(), [self, res = std::move(res), keep_alive, version]() mutable {
                self->send(std::move(res), keep_alive, version);
              });
            });
}

void Session::refuse(unsigned status, const char* code, const char* message) {
  if (on_refused_) on_refused_(status);
  auto res = error_response(ApiError(status, code, message));
  res.close = true;
  // Whatever is left of the request cannot be read past the limit: close.
  send(std::move(res), false, 11);
}

void Session::send(Response response, bool keep_alive, unsigned version) {
  auto msg = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(response.status), version);
  msg->set(http::field::server, "setiad");
  msg->set(http::field::content_type, response.content_type);
  msg->set(http::field::cache_control, "no-store");
  for (const auto& [k, v] : response.headers) msg->set(k, v);
  msg->body() = std::move(response.body);
  keep_alive = keep_alive && !response.close;
  msg->keep_alive(keep_alive);
  msg->prepare_payload();
  stream_.expires_after(limits_.write_timeout);
  http::async_write(stream_, *msg, [self = shared_from_this(), msg, keep_alive](beast::error_code ec, std::size_t) {
    if (ec) return;  // timeout or reset: the socket is done
    if (!keep_alive) return self->close();
    self->read();
  });
}

void Session::close() {
  beast::error_code ec;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ec);
}

}  // namespace setia::adapters::rest
