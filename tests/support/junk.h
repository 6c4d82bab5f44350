#pragma once

// The junk a broken or hostile till sends, and a flood of it: shared by
// the integration tests (tests/integration/backlog_test.cpp) and the
// benchmark (bench/sale_bench.cpp --junk).
#include <cstddef>
#include <deque>
#include <functional>
#include <string>

#include <mqtt/async_client.h>
#include <nlohmann/json.hpp>

namespace setia::test {

// The i-th of five kinds, in turn: not JSON, not an object, no event_id, a
// float amount (event id "junk-{tag}-{i}"), an unknown schema. Each must
// become a dead letter; none carries a valid sale.
inline std::string junk_payload(const std::string& store, const std::string& tag, std::size_t i) {
  switch (i % 5) {
    case 0: return "garbage " + std::to_string(i);
    case 1: return "[" + std::to_string(i) + "]";
    case 2: return R"({"schema":"setia.pos.sale/1","store_id":")" + store + R"("})";
    case 3:
      return nlohmann::json{{"schema", "setia.pos.sale/1"},
                            {"event_id", "junk-" + tag + "-" + std::to_string(i)},
                            {"store_id", store},
                            {"receipt_no", "J" + tag + "-" + std::to_string(i)},
                            {"occurred_at", "2026-12-05T12:00:00+07:00"},
                            {"items", nlohmann::json::array({{{"sku", "X"}, {"qty", 1}, {"unit_price", 1000}}})},
                            {"subtotal", 1000},
                            {"total", 1000.5}}
          .dump();
    default: return R"({"schema":"setia.pos.sale/9","event_id":"x)" + std::to_string(i) + R"("})";
  }
}

// Publishes `n` payloads to `topic` at QoS 1 with at most 20 unacknowledged
// (the broker's Receive Maximum), as a flooding till would; returns how many
// the broker acknowledged. Throws mqtt::exception when it cannot connect.
inline std::size_t flood(const std::string& uri, const std::string& client_id, const std::string& topic, std::size_t n,
                         const std::function<std::string(std::size_t)>& payload) {
  ::mqtt::async_client c(uri, client_id, ::mqtt::create_options(MQTTVERSION_5));
  c.connect(::mqtt::connect_options_builder().mqtt_version(MQTTVERSION_5).clean_start(true).finalize())->wait();
  std::deque<::mqtt::delivery_token_ptr> window;
  std::size_t acked = 0;
  auto settle = [&] {
    window.front()->wait();
    window.pop_front();
    ++acked;
  };
  for (std::size_t i = 0; i < n; ++i) {
    while (window.size() >= 20) settle();
    window.push_back(c.publish(::mqtt::make_message(topic, payload(i), 1, false)));
  }
  while (!window.empty()) settle();
  c.disconnect()->wait();
  return acked;
}

}  // namespace setia::test
