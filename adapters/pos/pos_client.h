#pragma once

#include <chrono>
#include <cstddef>
#include <expected>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "adapters/config/daemon_config.h"

namespace setia::adapters::pos {

// One message as a POS sends it.
struct PosEvent {
  std::string store;
  std::string event_id;
  std::string kind = "sale";  // the topic: {prefix}/{store}/pos/{kind}
  std::string payload;
};

struct PosOptions {
  config::MqttConfig mqtt;  // uri, credentials, TLS, topic_prefix; client_id is the POS's own
  // At most this many events wait for their result at once; 0: no limit
  // (a till coming back online with its whole day, a burst).
  std::size_t window = 20;
  // At most this many QoS 1 publishes unacknowledged by the broker, whatever
  // the window: within the broker's Receive Maximum (Mosquitto's
  // max_inflight_messages, 20 by default), past which paho's MQTT v5
  // publisher slows sharply, and within paho's buffer of 100 commands.
  std::size_t publish_window = 20;
  // At most this many publishes per second (first ones and republishes); 0:
  // no limit. A till sending its offline day need not send it in one go.
  double send_rate = 0;
  // Republishing: the first after result_timeout (the contract's timeout),
  // each later one after twice the wait before it, at most backoff_max; each
  // wait stretched by a random 0-50 % so that a thousand tills back after an
  // outage do not republish in lockstep.
  std::chrono::milliseconds result_timeout{5000};
  std::chrono::milliseconds backoff_max{std::chrono::minutes(5)};
  std::chrono::milliseconds deadline{std::chrono::minutes(5)};  // give up on what is still unanswered
  // Called once every event has been published and acknowledged by the
  // broker, before the wait for their results (sale_bench's backlog mode
  // starts setiad there).
  std::function<void()> all_published;
};

// The wait before republishing an event for the `attempt`-th time (1 for
// the first republish): result_timeout * 2^(attempt-1), at most
// backoff_max, times `stretch` (the jitter, 1.0 to 1.5).
std::chrono::milliseconds republish_wait(const PosOptions& o, std::size_t attempt, double stretch);

struct PosSummary {
  std::size_t sent = 0;         // distinct events (store, event_id)
  std::size_t applied = 0;      // first result: applied, not a duplicate
  std::size_t duplicate = 0;    // first result: applied earlier (our republish crossed the first result)
  std::size_t rejected = 0;     // first result: rejected
  std::size_t republished = 0;  // publishes after the first, summed over events
  std::size_t unanswered = 0;   // no result before the deadline
  std::size_t throttle_notices = 0;  // setia.pos.throttled/1 notices for our stores: we waited and slowed down
  std::map<std::string, std::string> status;  // "store/event_id" -> applied | rejected
  std::string to_json() const;
};

// The first result of one event, as it arrived.
struct PosResult {
  const PosEvent& event;
  std::string result_json;
  std::chrono::nanoseconds latency;  // first publish -> result
};

// The POS side of the end-to-end acknowledgement (docs/pos-contract.md): a
// sale counts when its result arrives, not when the broker PUBACKs it, so
// each event is kept and republished with the same event_id until its
// result comes. A throttle notice for one of its stores holds every
// publish for the notice's retry_after (stretched by up to 50 %), then
// paces them at its rate_per_s; the unanswered events are sent again.
class PosClient {
 public:
  explicit PosClient(PosOptions options);
  ~PosClient();
  PosClient(const PosClient&) = delete;
  PosClient& operator=(const PosClient&) = delete;

  std::expected<void, std::string> connect();
  PosSummary send(const std::vector<PosEvent>& events, const std::function<void(const PosResult&)>& on_result = {});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Reads a JSONL file of sale/refund payloads for `store` ("schema" picks the
// topic); errors name the line.
std::expected<std::vector<PosEvent>, std::string> read_events_jsonl(const std::string& path, const std::string& store);

}  // namespace setia::adapters::pos
