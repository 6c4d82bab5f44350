#include "adapters/mqtt/mqtt_options.h"

#include <fstream>

namespace setia::adapters::mqtt {

std::string read_secret(const std::string& path) {
  if (path.empty()) return {};
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

::mqtt::connect_options make_connect_options(const config::MqttConfig& c, bool persistent_session) {
  auto b = ::mqtt::connect_options_builder()
               .mqtt_version(MQTTVERSION_5)
               .clean_start(!persistent_session)
               .keep_alive_interval(std::chrono::seconds(c.keepalive_s))
               .connect_timeout(std::chrono::seconds(10))
               .automatic_reconnect(std::chrono::seconds(1), std::chrono::seconds(30));
  if (!c.username.empty()) b.user_name(c.username);
  if (!c.password_file.empty()) b.password(read_secret(c.password_file));
  if (c.uri.starts_with("ssl://") || c.uri.starts_with("mqtts://")) {
    auto ssl = ::mqtt::ssl_options_builder().enable_server_cert_auth(true).verify(true);
    if (!c.tls.ca_file.empty()) ssl.trust_store(c.tls.ca_file);
    if (!c.tls.cert_file.empty()) ssl.key_store(c.tls.cert_file);
    if (!c.tls.key_file.empty()) ssl.private_key(c.tls.key_file);
    b.ssl(ssl.finalize());
  }
  auto opts = b.finalize();
  if (persistent_session) {
    // Receive Maximum: the broker sends us at most this many QoS 1 messages
    // not yet acknowledged. We acknowledge each after its commit, one at a
    // time, so a few suffice to keep the callback busy; a short window keeps
    // what the broker must redeliver after a crash (and its per-client list
    // of unacknowledged messages) small. paho's default is 65,535.
    opts.set_properties(
        ::mqtt::properties{{::mqtt::property::SESSION_EXPIRY_INTERVAL, c.session_expiry_s},
                           {::mqtt::property::RECEIVE_MAXIMUM, static_cast<std::uint16_t>(c.receive_maximum)}});
  }
  return opts;
}

}  // namespace setia::adapters::mqtt
