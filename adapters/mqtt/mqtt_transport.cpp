#include "adapters/mqtt/mqtt_transport.h"

#include <cstdlib>
#include <thread>

#include "adapters/mqtt/mqtt_options.h"
#include "adapters/mqtt/tcp_nodelay.h"
#include "core/pipeline/topic.h"

namespace setia::adapters::mqtt {

namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

}  // namespace

std::vector<std::string> consumer_filters(const config::MqttConfig& c) {
  // Each kind by name: pos/# would also deliver our own results back to us.
  std::vector<std::string> filters;
  for (const char* kind : {"sale", "refund", "lookup"}) {
    std::string filter = c.topic_prefix + "/+/pos/" + kind;
    if (!c.shared_group.empty()) filter = "$share/" + c.shared_group + "/" + filter;
    filters.push_back(std::move(filter));
  }
  return filters;
}

MqttTransport::MqttTransport(config::MqttConfig config, Handler handler, metrics::Registry* metrics)
    : config_(std::move(config)),
      handler_(std::move(handler)),
      answers_({.mqtt = config_,
                .queue_capacity = static_cast<std::size_t>(config_.answer_queue),
                .window = static_cast<std::size_t>(config_.answer_window),
                .metrics = metrics}),
      log_(log::get("mqtt")) {
  // This client publishes nothing (answers go through answers_): its
  // buffer holds only our few SUBSCRIBE commands.
  ::mqtt::create_options create(MQTTVERSION_5);
  create.set_max_buffered_messages(16);
  client_ = std::make_unique<::mqtt::async_client>(config_.uri, config_.client_id, create);
  client_->set_message_callback([this](const ::mqtt::const_message_ptr& msg) { on_message(msg); });
  client_->set_connected_handler([this](const std::string& cause) {
    sales_connected_ = true;
    disable_nagle_towards(config_.uri);
    log_->info("connected to {} ({})", config_.uri, cause.empty() ? "connect" : cause);
    // After an automatic reconnect the session may be new (broker restarted
    // without persistence): subscribing again is harmless when it is not.
    if (initial_subscribe_done_.load()) subscribe_async();
  });
  client_->set_disconnected_handler(
      [this](const ::mqtt::properties&, ::mqtt::ReasonCode) { sales_connected_ = false; });
  client_->set_connection_lost_handler([this](const std::string& cause) {
    sales_connected_ = false;
    log_->warn("connection to {} lost ({}); reconnecting", config_.uri, cause.empty() ? "no reason given" : cause);
  });
}

MqttTransport::~MqttTransport() {
  try {
    if (client_ && client_->is_connected()) client_->disconnect()->wait_for(std::chrono::seconds(5));
  } catch (...) {
  }
}

bool MqttTransport::start(const std::atomic<bool>& stopping) {
  answers_.start(stopping);  // first: answers may be owed as soon as the first sale comes
  auto opts = make_connect_options(config_, /*persistent_session=*/true);
  auto delay = std::chrono::milliseconds(500);
  log::RateLimit down_log(std::chrono::seconds(30));
  while (!stopping.load()) {
    try {
      auto tok = client_->connect(opts);
      if (!tok->wait_for(std::chrono::seconds(15))) throw ::mqtt::exception(MQTTASYNC_FAILURE, "connect timed out");
      auto rsp = tok->get_connect_response();
      log_->info("session {} (client id {})", rsp.is_session_present() ? "resumed" : "new", config_.client_id);
      // The broker answered the connection, so a failure here is its
      // refusal (SUBACK 0x87 "not authorized" from an ACL that does not let
      // setiad's account read the POS topics): said as such, not as "cannot
      // reach the broker", and retried like a connection.
      auto refused = subscribe_consumer_filters();
      if (!refused) {
        initial_subscribe_done_ = true;
        sales_connected_ = client_->is_connected();
        return true;
      }
      std::size_t suppressed = 0;
      if (down_log.allow(suppressed)) {
        log_->error(
            "the broker {} refused setiad's subscription to {}: setiad's account may not read the POS topics "
            "(deploy/mosquitto/setia-dynsec.sh daemon; docs/operations.md); retrying ({} similar suppressed)",
            config_.uri, *refused, suppressed);
      }
    } catch (const ::mqtt::exception& e) {
      std::size_t suppressed = 0;
      if (down_log.allow(suppressed)) {
        log_->warn("cannot reach broker {}: {}; retrying ({} similar suppressed)", config_.uri, e.what(), suppressed);
      }
    }
    try {
      if (client_->is_connected()) client_->disconnect()->wait_for(std::chrono::seconds(2));
    } catch (...) {
    }
    for (auto waited = std::chrono::milliseconds(0); waited < delay && !stopping.load();
         waited += std::chrono::milliseconds(100)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    delay = std::min(delay * 2, std::chrono::milliseconds(10000));
  }
  return false;
}

// One SUBSCRIBE for every filter, so one SUBACK with a reason code each.
// No deadline while messages arrive: on a resumed session the broker sends
// the queued messages at once, and the SUBACK can come long after them
// (bench/run.sh, a backlog of 10,000 sales, one SUBSCRIBE per filter: the
// second filter's SUBACK had not come 15 s later while the sales flowed,
// and that deadline dropped the connection in the middle of the backlog).
// Only 15 s with neither a SUBACK nor a message is a failure.
std::optional<std::string> MqttTransport::subscribe_consumer_filters() {
  const auto filters = consumer_filters(config_);
  try {
    auto tok = client_->subscribe(::mqtt::string_collection::create(filters),
                                  ::mqtt::iasync_client::qos_collection(filters.size(), 1));
    constexpr int kQuietSeconds = 15;
    auto seen = delivered_.load();
    for (int quiet = 0; !tok->wait_for(std::chrono::seconds(1));) {
      const auto now = delivered_.load();
      quiet = now == seen ? quiet + 1 : 0;
      seen = now;
      if (quiet >= kQuietSeconds) {
        return join(filters) + " (neither a SUBACK nor a message within " + std::to_string(kQuietSeconds) + " s)";
      }
    }
    const auto codes = tok->get_subscribe_response().get_reason_codes();
    std::vector<std::string> refused;
    for (std::size_t i = 0; i < filters.size(); ++i) {
      // A reason code per filter, or one for all (paho's single-code case).
      const int code = codes.empty() ? 0 : codes[std::min(i, codes.size() - 1)];
      if (code >= 0x80) refused.push_back(filters[i] + " (" + ::mqtt::exception::reason_code_str(code) + ")");
    }
    if (!refused.empty()) return join(refused);
  } catch (const ::mqtt::exception& e) {
    if (!client_->is_connected()) throw;  // the connection went: reconnect
    return join(filters) + " (" + e.what() + ")";
  }
  for (const auto& f : filters) log_->info("subscribed to {} at QoS 1", f);
  return std::nullopt;
}

void MqttTransport::stop(std::chrono::milliseconds answer_drain) {
  answers_.stop_waiting();  // first: a callback blocked on a full queue holds paho's lock
  try {
    // Waits for paho's lock, held while a message callback runs: the event
    // in hand is finished first.
    if (client_->is_connected()) client_->disconnect()->wait_for(std::chrono::seconds(10));
  } catch (const ::mqtt::exception& e) {
    log_->warn("disconnect: {}", e.what());
  }
  answers_.stop(answer_drain);
}

void MqttTransport::subscribe_async() {
  const auto filters = consumer_filters(config_);
  try {
    // Never wait on a token in a paho callback.
    client_->subscribe(::mqtt::string_collection::create(filters),
                       ::mqtt::iasync_client::qos_collection(filters.size(), 1));
  } catch (const ::mqtt::exception& e) {
    log_->error("subscribe {}: {}", join(filters), e.what());
  }
}

void MqttTransport::on_message(const ::mqtt::const_message_ptr& msg) {
  delivered_.fetch_add(1, std::memory_order_relaxed);
  core::InboundMessage in;
  in.topic = msg->get_topic();
  in.payload = msg->get_payload_ref().str();
  in.redelivery = msg->is_duplicate();
  try {
    const auto& props = msg->get_properties();
    if (props.contains(::mqtt::property::RESPONSE_TOPIC)) {
      core::ReplyTo r;
      r.topic = ::mqtt::get<std::string>(props, ::mqtt::property::RESPONSE_TOPIC);
      if (props.contains(::mqtt::property::CORRELATION_DATA)) {
        r.correlation_data = ::mqtt::get<std::string>(props, ::mqtt::property::CORRELATION_DATA);
      }
      in.reply_to = std::move(r);
    }
  } catch (const std::exception& e) {
    log_->warn("topic={} unreadable MQTT v5 properties ignored: {}", msg->get_topic(), e.what());
  }
  if (handler_(in) == core::Disposition::abandon) {
    // Stopping while the database is unreachable: leave the message
    // unacknowledged (no return into paho, so no PUBACK) and exit; the
    // broker redelivers it to this session when we come back.
    log_->warn("topic={} stopping with the message uncommitted; the broker will redeliver it", in.topic);
    if (auto a = answers_.stats(); a.waiting + a.in_flight > 0) {
      log_->warn("{} answers unsent at exit; their POS republish and get the stored results", a.waiting + a.in_flight);
    }
    spdlog::apply_all([](const std::shared_ptr<spdlog::logger>& l) { l->flush(); });
    std::_Exit(0);
  }
}

void MqttTransport::publish_result(std::string_view store, std::string_view result_json,
                                   const std::optional<core::ReplyTo>& reply_to) {
  answers_.publish({.topic = reply_to ? reply_to->topic : core::result_topic(config_.topic_prefix, store),
                    .payload = std::string(result_json),
                    .correlation_data = reply_to ? reply_to->correlation_data : std::string()});
}

void MqttTransport::publish_dead_letter(std::string_view store, std::string_view message_json) {
  answers_.publish(
      {.topic = core::dead_letter_topic(config_.topic_prefix, store), .payload = std::string(message_json)});
}

}  // namespace setia::adapters::mqtt
