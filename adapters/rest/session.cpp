#include "adapters/rest/session.h"

#include <boost/asio/dispatch.hpp>

#include "adapters/rest/beast_request.h"
#include "adapters/rest/http_errors.h"

namespace setia::adapters::rest {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

Session::Session(net::ip::tcp::socket socket, const ServerLimits& limits, const RequestHandler& handler,
                 const std::function<void(unsigned)>& on_refused, std::shared_ptr<void> slot)
    : stream_(std::move(socket)), limits_(limits), handler_(handler), on_refused_(on_refused), slot_(std::move(slot)) {
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
  Response res;
  try {
    res = handler_(to_request(msg, client_address_));
  } catch (const std::exception&) {
    // RestApi::handle catches everything; this is the last guard.
    res = error_response(ApiError(500, "internal", "internal error"));
  } catch (...) {
    res = error_response(ApiError(500, "internal", "internal error"));
  }
  send(std::move(res), msg.keep_alive(), msg.version());
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
