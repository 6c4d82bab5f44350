#include <utility>  // before Asio in C++20/23 mode (see session.h)

#include "adapters/rest/server.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>

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

namespace {

// Accepts connections on one address and starts a Session for each.
class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(net::io_context& ioc, tcp::acceptor acceptor, const ServerLimits& limits, RequestHandler handler,
           const std::function<void(unsigned)>& on_refused)
      : ioc_(ioc),
        acceptor_(std::move(acceptor)),
        limits_(limits),
        handler_(std::move(handler)),
        on_refused_(on_refused) {}

  void accept() {
    // Each connection gets its own strand.
    acceptor_.async_accept(
        net::make_strand(ioc_), [self = shared_from_this()](boost::system::error_code ec, tcp::socket socket) {
          if (ec == net::error::operation_aborted || !self->acceptor_.is_open()) return;
          if (!ec) {
            std::make_shared<Session>(std::move(socket), self->limits_, self->handler_, self->on_refused_)->run();
          } else {
        // Out of file descriptors and the like: keep serving the others.
            std::size_t suppressed = 0;
            if (self->accept_fail_.allow(suppressed)) log::get("rest")->warn("accept failed: {}", ec.message());
          }
          self->accept();
        });
  }

  void close() {
    net::post(acceptor_.get_executor(), [self = shared_from_this()] {
      boost::system::error_code ec;
      self->acceptor_.close(ec);
    });
  }

 private:
  net::io_context& ioc_;
  tcp::acceptor acceptor_;
  const ServerLimits& limits_;
  RequestHandler handler_;
  const std::function<void(unsigned)>& on_refused_;
  log::RateLimit accept_fail_;
};

}  // namespace

struct Server::Impl {
  Impl(int n, ServerLimits l) : threads(n), limits(l), ioc(n) {}
  int threads;
  ServerLimits limits;
  net::io_context ioc;
  std::vector<std::shared_ptr<Listener>> listeners;
  std::vector<std::thread> workers;
};

Server::Server(int threads, ServerLimits limits) : impl_(std::make_unique<Impl>(std::max(1, threads), limits)) {}

Server::~Server() { stop(); }

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
  auto listener =
      std::make_shared<Listener>(impl_->ioc, std::move(acceptor), impl_->limits, std::move(handler), on_refused);
  impl_->listeners.push_back(listener);
  listener->accept();
  std::string ip = bound.address().to_string();
  if (bound.address().is_v6()) ip = "[" + ip + "]";
  return ip + ":" + std::to_string(bound.port());
}

void Server::start() {
  for (int i = 0; i < impl_->threads; ++i) {
    impl_->workers.emplace_back([this] {
      // A handler never throws (the session guards it); anything else
      // thrown inside Asio is a bug: log it and keep the thread serving.
      for (;;) {
        try {
          impl_->ioc.run();
          return;
        } catch (const std::exception& e) {
          log::get("rest")->error("worker: unexpected exception: {}", e.what());
        }
      }
    });
  }
}

void Server::stop() {
  if (!impl_) return;
  for (auto& l : impl_->listeners) l->close();
  impl_->ioc.stop();
  for (auto& t : impl_->workers) {
    if (t.joinable()) t.join();
  }
  impl_->workers.clear();
  impl_->listeners.clear();
}

}  // namespace setia::adapters::rest
