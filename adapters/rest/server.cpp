#include <utility>  // before Asio in C++20/23 mode (see session.h)

#include "adapters/rest/server.h"

#include <atomic>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>

#include "adapters/rest/session.h"
#include "core/support/log.h"

namespace setia::adapters::rest {

namespace net = boost::asio;
using tcp = net::ip::tcp;

std::expected<HostPort, std::string> parse_host_port(const std::string& address) {
  std::string host, port;
  if (!address.empty() && address.front() == '[') {
    auto close = address.find(']');
    if (close == std::string::npos || close + 1 >= address.size() || address[close + 1] != ':') {
      return std::unexpected("'" + address + "' is not [ipv6]:port");
    }
    host = address.substr(1, close - 1);
    port = address.substr(close + 2);
  } else {
    auto colon = address.rfind(':');
    if (colon == std::string::npos) return std::unexpected("'" + address + "' is not host:port");
    host = address.substr(0, colon);
    port = address.substr(colon + 1);
  }
  if (host == "localhost") host = "127.0.0.1";
  boost::system::error_code ec;
  net::ip::make_address(host, ec);
  if (ec) return std::unexpected("'" + host + "' is not an IP address (e.g. 127.0.0.1, 0.0.0.0, [::1])");
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(port) > 65535) {
    return std::unexpected("'" + port + "' is not a port (0 to 65535)");
  }
  return HostPort{host, static_cast<unsigned short>(std::stoi(port))};
}

std::expected<std::vector<std::string>, std::string> parse_address_list(const std::string& text) {
  std::vector<std::string> out;
  std::size_t from = 0;
  while (from <= text.size()) {
    auto comma = text.find(',', from);
    if (comma == std::string::npos) comma = text.size();
    auto item = text.substr(from, comma - from);
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) {
      boost::system::error_code ec;
      auto address = net::ip::make_address(item, ec);
      if (ec) return std::unexpected("'" + item + "' is not an IP address (e.g. 127.0.0.1, 10.0.0.5, ::1)");
      out.push_back(address.to_string());
    }
    from = comma + 1;
  }
  return out;
}

namespace {

// Accepts connections on one address and starts a Session for each, up
// to limits.max_connections open at once (every listener of the server
// counts in `open`).
class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(net::io_context& ioc, tcp::acceptor acceptor, const ServerLimits& limits, RequestHandler handler,
           const std::function<void(unsigned)>& on_refused, std::shared_ptr<std::atomic<std::size_t>> open,
           HandlerPool& handlers)
      : ioc_(ioc),
        handlers_(handlers),
        acceptor_(std::move(acceptor)),
        limits_(limits),
        handler_(std::move(handler)),
        on_refused_(on_refused),
        open_(std::move(open)),
        retry_(ioc) {}

  void accept() {
    // Each connection gets its own strand.
    acceptor_.async_accept(
        net::make_strand(ioc_), [self = shared_from_this()](boost::system::error_code ec, tcp::socket socket) {
          if (ec == net::error::operation_aborted || !self->acceptor_.is_open()) return;
          if (ec) {
            // Out of file descriptors and the like: the pending connection
            // stays in the backlog, so accepting again at once would fail
            // again at once (a loop at 100% CPU). Wait, then try.
            std::size_t suppressed = 0;
            if (self->accept_fail_.allow(suppressed)) {
              log::get("rest")->warn("accept failed: {}; trying again in 100 ms ({} similar suppressed)", ec.message(),
                                     suppressed);
            }
            self->retry_.expires_after(std::chrono::milliseconds(100));
            self->retry_.async_wait([self](boost::system::error_code wait_ec) {
              if (!wait_ec && self->acceptor_.is_open()) self->accept();
            });
            return;
          }
          self->start_session(std::move(socket));
          self->accept();
        });
  }

  void close() {
    net::post(acceptor_.get_executor(), [self = shared_from_this()] {
      boost::system::error_code ec;
      self->retry_.cancel();
      self->acceptor_.close(ec);
    });
  }

 private:
  void start_session(tcp::socket socket) {
    if (open_->fetch_add(1) >= limits_.max_connections) {
      open_->fetch_sub(1);
      refuse(socket);
      return;
    }
    // Released when the session ends, whatever ends it.
    std::shared_ptr<void> slot(nullptr, [open = open_](void*) { open->fetch_sub(1); });
    std::make_shared<Session>(std::move(socket), limits_, handler_, on_refused_, handlers_, std::move(slot))->run();
  }

  // One connection too many: a short 503 written to the fresh socket (its
  // send buffer is empty, so this does not wait) and closed.
  void refuse(tcp::socket& socket) {
    static constexpr std::string_view kBody =
        R"({"error":{"code":"unavailable","message":"too many connections; try again in a few seconds"}})";
    const std::string response =
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
        "Retry-After: 1\r\nConnection: close\r\nContent-Length: " +
        std::to_string(kBody.size()) + "\r\n\r\n" + std::string(kBody);
    boost::system::error_code ec;
    socket.non_blocking(true, ec);
    if (!ec) net::write(socket, net::buffer(response), ec);
    socket.shutdown(tcp::socket::shutdown_both, ec);
    socket.close(ec);
    std::size_t suppressed = 0;
    if (full_.allow(suppressed)) {
      log::get("rest")->warn(
          "{} connections open (rest.max_connections): one more refused with 503 ({} similar "
          "suppressed)",
          limits_.max_connections, suppressed);
    }
    if (on_refused_) on_refused_(503);
  }

  net::io_context& ioc_;
  HandlerPool& handlers_;
  tcp::acceptor acceptor_;
  const ServerLimits& limits_;
  RequestHandler handler_;
  const std::function<void(unsigned)>& on_refused_;
  std::shared_ptr<std::atomic<std::size_t>> open_;
  net::steady_timer retry_;
  log::RateLimit accept_fail_, full_;
};

}  // namespace

struct Server::Impl {
  Impl(int n, ServerLimits l)
      : limits(l), ioc(1), handlers(static_cast<std::size_t>(n), std::max<std::size_t>(1, l.max_queued)) {}
  ServerLimits limits;
  net::io_context ioc;  // one I/O thread: reads, writes, accepts and timers only
  HandlerPool handlers;
  std::shared_ptr<std::atomic<std::size_t>> open = std::make_shared<std::atomic<std::size_t>>(0);
  std::vector<std::shared_ptr<Listener>> listeners;
  std::vector<std::thread> workers;
};

Server::Server(int threads, ServerLimits limits) : impl_(std::make_unique<Impl>(std::max(1, threads), limits)) {}

Server::~Server() { stop(); }

std::size_t Server::queued() const { return impl_->handlers.queued.load(); }

std::expected<std::string, std::string> Server::listen(const std::string& address, RequestHandler handler) {
  auto hp = parse_host_port(address);
  if (!hp) return std::unexpected(hp.error());
  boost::system::error_code ec;
  tcp::endpoint endpoint(net::ip::make_address(hp->host), hp->port);
  tcp::acceptor acceptor(impl_->ioc);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return std::unexpected("cannot listen on " + address + ": " + ec.message());
  auto bound = acceptor.local_endpoint(ec);
  if (ec) return std::unexpected("cannot read the bound address: " + ec.message());
  auto listener = std::make_shared<Listener>(impl_->ioc, std::move(acceptor), impl_->limits, std::move(handler),
                                             on_refused, impl_->open, impl_->handlers);
  impl_->listeners.push_back(listener);
  listener->accept();
  std::string ip = bound.address().to_string();
  if (bound.address().is_v6()) ip = "[" + ip + "]";
  return ip + ":" + std::to_string(bound.port());
}

void Server::start() {
  impl_->workers.emplace_back([this] {
    // A handler never throws (the session guards it); anything else
    // thrown inside Asio is a bug: log it and keep the thread serving.
    for (;;) {
      try {
        impl_->ioc.run();
        return;
      } catch (const std::exception& e) {
        log::get("rest")->error("I/O thread: unexpected exception: {}", e.what());
      }
    }
  });
}

void Server::stop() {
  if (!impl_) return;
  for (auto& l : impl_->listeners) l->close();
  impl_->ioc.stop();
  for (auto& t : impl_->workers) {
    if (t.joinable()) t.join();
  }
  // Handlers still running finish; what they post to the stopped I/O
  // thread is dropped with it.
  impl_->handlers.pool.join();
  impl_->workers.clear();
  impl_->listeners.clear();
}

}  // namespace setia::adapters::rest
