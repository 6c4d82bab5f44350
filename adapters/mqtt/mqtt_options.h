#pragma once

#include <string>

#include <mqtt/async_client.h>

#include "adapters/config/daemon_config.h"

namespace setia::adapters::mqtt {

// Connect options for an MQTT v5 client from our config: TLS, credentials,
// keepalive, automatic reconnect and, for a persistent session, clean start
// off with the session-expiry property set on the finished options (paho
// 1.2.0's connect_options copies keep a dangling pointer to properties set
// through the builder, so the session expiry silently became 0; fixed
// upstream in 1.3.0).
::mqtt::connect_options make_connect_options(const config::MqttConfig& c, bool persistent_session);

// Reads the first line of a secret file ("" when no file is named).
std::string read_secret(const std::string& path);

}  // namespace setia::adapters::mqtt
