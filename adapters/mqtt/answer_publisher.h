#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "adapters/config/daemon_config.h"
#include "adapters/mqtt/answer_queue.h"
#include "core/support/log.h"
#include "core/support/metrics.h"

struct mosquitto;

namespace setia::adapters::mqtt {

// setiad's egress: publishes the answers of an AnswerQueue at QoS 1 on a
// connection of its own (client id `{mqtt.client_id}-answers`, clean start),
// with libmosquitto, Mosquitto's client library.
//
// Why not through paho, on the connection the sales arrive on: paho C runs
// the message callback on its receive thread holding its process-wide
// mutex, and its send thread needs that mutex for every queued publish.
// With a backlog the callbacks run back to back, the send thread rarely
// gets the mutex, and answers pile up in paho's buffer until it refuses
// them (MQTTASYNC_MAX_BUFFERED_MESSAGES) or, with a large buffer, until
// each new message id is searched for in a list of thousands. Nothing the
// callback can do releases that mutex, so no backpressure from inside it
// could ever let paho drain. libmosquitto's network thread and locks are
// its own: it sends while paho delivers. docs/operations.md, "Answers under
// load", has the measurements.
class AnswerPublisher {
 public:
  struct Options {
    config::MqttConfig mqtt;          // broker, credentials, TLS; client_id gets "-answers"
    std::size_t queue_capacity = 50000;
    std::size_t window = 100;         // answers given to libmosquitto and not yet acknowledged
    metrics::Registry* metrics = nullptr;
  };
  explicit AnswerPublisher(Options options);
  ~AnswerPublisher();
  AnswerPublisher(const AnswerPublisher&) = delete;
  AnswerPublisher& operator=(const AnswerPublisher&) = delete;

  // Starts the network and pump threads; they connect and reconnect on
  // their own, with backoff. Answers queue meanwhile. Once `stopping` is
  // set, publish() no longer waits for room.
  void start(const std::atomic<bool>& stopping);
  // Queues an answer (waits while the queue is full: backpressure).
  void publish(Answer answer);
  // Shutdown begins: publish() stops waiting for room (see
  // AnswerQueue::stop_waiting); call it before anything that waits for the
  // pipeline (paho's disconnect takes the lock a blocked callback holds).
  void stop_waiting() { queue_.stop_waiting(); }
  // Sends what is queued (up to `timeout`), then disconnects; what is
  // still unsent then is counted and logged.
  void stop(std::chrono::milliseconds timeout);

  bool connected() const { return connected_.load(); }
  AnswerQueue::Stats stats() const { return queue_.stats(); }

 private:
  void network_loop();
  void pump();
  void count(std::string_view outcome, std::uint64_t n = 1);

  Options options_;
  AnswerQueue queue_;
  struct mosquitto* mosq_ = nullptr;
  std::string host_;
  int port_ = 1883;
  std::atomic<bool> running_{false}, connected_{false};
  std::atomic<const std::atomic<bool>*> stopping_{nullptr};
  std::thread network_, pump_;
  std::shared_ptr<spdlog::logger> log_;
  log::RateLimit down_log_, unsendable_log_, refused_log_;

  friend struct AnswerPublisherCallbacks;
};

// "tcp://host:1883" -> host and port (1883, or 8883 for ssl:// and mqtts://
// when none is given); false for anything else.
bool split_broker_uri(const std::string& uri, std::string& host, int& port, bool& tls);

}  // namespace setia::adapters::mqtt
