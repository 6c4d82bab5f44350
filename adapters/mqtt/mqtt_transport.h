#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <mqtt/async_client.h>

#include "adapters/config/daemon_config.h"
#include "adapters/mqtt/answer_publisher.h"
#include "core/pipeline/pipeline.h"
#include "core/ports/result_sink.h"
#include "core/support/log.h"

namespace setia::adapters::mqtt {

// setiad's MQTT side. Ingress: consumes the POS topics at QoS 1 on a
// persistent MQTT v5 session (paho) and hands each message to `handler` on
// paho's delivery thread; paho sends the PUBACK only when the handler has
// returned, that is after the event's commit (docs/architecture.md).
// Egress: results, lookup replies and dead letters (core::ResultSink) go to
// an AnswerPublisher, which queues them and sends them on a connection of
// its own, never through paho (answer_publisher.h says why).
class MqttTransport final : public core::ResultSink {
 public:
  using Handler = std::function<core::Disposition(const core::InboundMessage&)>;

  MqttTransport(config::MqttConfig config, Handler handler, metrics::Registry* metrics = nullptr);
  ~MqttTransport() override;

  // Connects (retrying with backoff while the broker is unreachable, until
  // `stopping`), subscribes, and returns true once consuming.
  bool start(const std::atomic<bool>& stopping);

  // Disconnects after the message in hand (paho's delivery lock), keeping
  // the session: what arrives meanwhile waits in the broker for our return;
  // then sends the answers still queued (at most `answer_drain`).
  void stop(std::chrono::milliseconds answer_drain = std::chrono::seconds(10));

  // Both connections up: the sales' and the answers'. Read from flags, not
  // from paho (whose is_connected() takes the lock a callback holds).
  bool connected() const { return sales_connected_.load() && answers_.connected(); }
  AnswerQueue::Stats answer_stats() const { return answers_.stats(); }

  // core::ResultSink
  void publish_result(std::string_view store, std::string_view result_json,
                      const std::optional<core::ReplyTo>& reply_to) override;
  void publish_dead_letter(std::string_view store, std::string_view message_json) override;

 private:
  void on_message(const ::mqtt::const_message_ptr& msg);
  // At start: the filters the broker refused, with its reasons; none when
  // subscribed to all.
  std::optional<std::string> subscribe_consumer_filters();
  void subscribe_async();

  config::MqttConfig config_;
  Handler handler_;
  AnswerPublisher answers_;
  std::unique_ptr<::mqtt::async_client> client_;
  std::atomic<bool> initial_subscribe_done_{false};
  std::atomic<bool> sales_connected_{false};
  std::atomic<std::uint64_t> delivered_{0};  // messages handed to on_message, for the SUBACK wait
  std::shared_ptr<spdlog::logger> log_;
};

// The topic filters setiad subscribes to (shared when a group is set).
std::vector<std::string> consumer_filters(const config::MqttConfig& c);

}  // namespace setia::adapters::mqtt
