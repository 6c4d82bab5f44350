#include "adapters/mqtt/tcp_nodelay.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <filesystem>

namespace setia::adapters::mqtt {
namespace {

int broker_port(const std::string& uri) {
  auto colon = uri.rfind(':');
  auto scheme = uri.find("://");
  if (colon != std::string::npos && colon > scheme + 2) {
    try {
      return std::stoi(uri.substr(colon + 1));
    } catch (const std::exception&) {
    }
  }
  return uri.starts_with("ssl://") || uri.starts_with("mqtts://") ? 8883 : 1883;
}

}  // namespace

int disable_nagle_towards(const std::string& broker_uri) {
  const int port = broker_port(broker_uri);
  int changed = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd", ec)) {
    int fd = 0;
    try {
      fd = std::stoi(entry.path().filename().string());
    } catch (const std::exception&) {
      continue;
    }
    int type = 0;
    socklen_t len = sizeof type;
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0 || type != SOCK_STREAM) continue;
    sockaddr_storage peer{};
    len = sizeof peer;
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len) != 0) continue;
    int peer_port = -1;
    if (peer.ss_family == AF_INET)
      peer_port = ntohs(reinterpret_cast<sockaddr_in*>(&peer)->sin_port);
    else if (peer.ss_family == AF_INET6)
      peer_port = ntohs(reinterpret_cast<sockaddr_in6*>(&peer)->sin6_port);
    if (peer_port != port) continue;
    int one = 1;
    if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) == 0) ++changed;
  }
  return changed;
}

}  // namespace setia::adapters::mqtt
