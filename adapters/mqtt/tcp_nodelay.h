#pragma once

#include <string>

namespace setia::adapters::mqtt {

// Turns Nagle's algorithm off on this process's TCP connections to the
// broker. paho C 1.3.12 offers no socket option and leaves Nagle on, so a
// small PUBLISH written right after a PUBACK waits for the broker's delayed
// ACK: 20-80 ms stalls that bench/README.md measured as most of a sale's
// time. Called after every (re)connect; sockets to other ports (PostgreSQL)
// are left alone. Returns how many sockets it changed.
int disable_nagle_towards(const std::string& broker_uri);

}  // namespace setia::adapters::mqtt
