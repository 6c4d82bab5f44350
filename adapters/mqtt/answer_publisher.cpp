#include "adapters/mqtt/answer_publisher.h"

#include <cerrno>
#include <cstring>
#include <latch>
#include <mutex>
#include <stdexcept>

#include <mosquitto.h>
#include <mqtt_protocol.h>

#include "adapters/mqtt/background_thread.h"
#include "adapters/mqtt/mqtt_options.h"

namespace setia::adapters::mqtt {

namespace {

// How often losses (answers that can never be delivered) are summed up in
// the log: every loss is counted, none is a lone line followed by silence.
constexpr auto kLossReport = std::chrono::seconds(10);

}  // namespace

bool split_broker_uri(const std::string& uri, std::string& host, int& port, bool& tls) {
  auto sep = uri.find("://");
  if (sep == std::string::npos) return false;
  auto scheme = uri.substr(0, sep);
  if (scheme == "tcp" || scheme == "mqtt")
    tls = false;
  else if (scheme == "ssl" || scheme == "mqtts")
    tls = true;
  else
    return false;
  auto rest = uri.substr(sep + 3);
  if (auto slash = rest.find('/'); slash != std::string::npos) rest.resize(slash);
  port = tls ? 8883 : 1883;
  std::string h = rest;
  if (!rest.empty() && rest.front() == '[') {  // [::1]:1883
    auto close = rest.find(']');
    if (close == std::string::npos) return false;
    h = rest.substr(1, close - 1);
    rest = rest.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return false;
    if (!rest.empty())
      rest = rest.substr(1);
    else
      rest.clear();
    if (!rest.empty()) {
      try {
        std::size_t used = 0;
        port = std::stoi(rest, &used);
        if (used != rest.size()) return false;
      } catch (...) {
        return false;
      }
    }
  } else if (rest.find(':') != rest.rfind(':')) {
    return false;  // an IPv6 address goes in brackets: tcp://[::1]:1883
  } else if (auto colon = rest.rfind(':'); colon != std::string::npos) {
    h = rest.substr(0, colon);
    try {
      std::size_t used = 0;
      port = std::stoi(rest.substr(colon + 1), &used);
      if (used != rest.size() - colon - 1) return false;
    } catch (...) {
      return false;
    }
  }
  host = h;
  return !host.empty() && port > 0 && port < 65536;
}

// libmosquitto's callbacks run on our network thread.
struct AnswerPublisherCallbacks {
  static void on_connect(struct mosquitto*, void* obj, int rc, int, const mosquitto_property*) {
    auto* self = static_cast<AnswerPublisher*>(obj);
    if (rc == 0) {
      self->connected_ = true;
      auto s = self->queue_.stats();
      self->log_->info("answers: connected to {} as {}-answers ({} waiting, {} in flight)", self->options_.mqtt.uri,
                       self->options_.mqtt.client_id, s.waiting, s.in_flight);
    } else {
      std::size_t suppressed = 0;
      if (self->down_log_.allow(suppressed)) {
        self->log_->error("answers: the broker refused the connection: {}; retrying ({} similar suppressed)",
                          mosquitto_reason_string(rc), suppressed);
      }
    }
  }
  static void on_disconnect(struct mosquitto*, void* obj, int rc, const mosquitto_property*) {
    auto* self = static_cast<AnswerPublisher*>(obj);
    bool was = self->connected_.exchange(false);
    if (was && self->running_.load()) {
      self->log_->warn("answers: connection to {} lost ({}); reconnecting, answers wait meanwhile",
                       self->options_.mqtt.uri, rc == 0 ? "by us" : mosquitto_strerror(rc));
    }
  }
  static void on_publish(struct mosquitto*, void* obj, int mid, int reason, const mosquitto_property*) {
    auto* self = static_cast<AnswerPublisher*>(obj);
    // 0x10 "no matching subscribers" is a success: nobody listens yet.
    const bool refused = reason >= 0x80;
    self->queue_.acknowledged(refused);
    if (refused) {
      self->count("refused_by_broker");
      std::size_t suppressed = 0;
      if (self->refused_log_.allow(suppressed)) {
        self->log_->error(
            "answers: the broker refused answer mid={}: {} ({} so far; the POS republishes and gets the "
            "stored result)",
            mid, mosquitto_reason_string(reason), self->queue_.stats().refused_by_broker);
      }
    } else {
      self->count("sent");
    }
  }
};

AnswerPublisher::AnswerPublisher(Options options)
    : options_(std::move(options)),
      queue_(options_.queue_capacity, options_.window),
      log_(log::get("mqtt")),
      down_log_(std::chrono::seconds(30)),
      unsendable_log_(kLossReport),
      refused_log_(kLossReport) {
  static std::once_flag init;
  std::call_once(init, [] { mosquitto_lib_init(); });
  bool tls = false;
  if (!split_broker_uri(options_.mqtt.uri, host_, port_, tls)) {
    throw std::runtime_error("mqtt.uri '" + options_.mqtt.uri + "' is not scheme://host[:port]");
  }
  std::string id = options_.mqtt.client_id + "-answers";
  mosq_ = mosquitto_new(id.c_str(), /*clean_session=*/true, this);
  if (!mosq_) throw std::runtime_error("answers: mosquitto_new failed");
  mosquitto_int_option(mosq_, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
  mosquitto_int_option(mosq_, MOSQ_OPT_TCP_NODELAY, 1);  // small answers, sent at once
  mosquitto_threaded_set(mosq_, true);                    // the pump publishes from its own thread
  if (!options_.mqtt.username.empty()) {
    auto pw = read_secret(options_.mqtt.password_file);
    mosquitto_username_pw_set(mosq_, options_.mqtt.username.c_str(),
                              options_.mqtt.password_file.empty() ? nullptr : pw.c_str());
  }
  if (tls) {
    // Without a CA file, the system's trust store (OpenSSL's default paths,
    // as paho does on the sales connection).
    const auto& t = options_.mqtt.tls;
    int rc = MOSQ_ERR_SUCCESS;
    if (t.ca_file.empty()) rc = mosquitto_int_option(mosq_, MOSQ_OPT_TLS_USE_OS_CERTS, 1);
    if (rc == MOSQ_ERR_SUCCESS && (!t.ca_file.empty() || !t.cert_file.empty())) {
      rc = mosquitto_tls_set(mosq_, t.ca_file.empty() ? nullptr : t.ca_file.c_str(),
                             t.ca_file.empty() ? "/etc/ssl/certs" : nullptr,
                             t.cert_file.empty() ? nullptr : t.cert_file.c_str(),
                             t.key_file.empty() ? nullptr : t.key_file.c_str(), nullptr);
    }
    if (rc != MOSQ_ERR_SUCCESS) {
      mosquitto_destroy(mosq_);
      throw std::runtime_error(std::string("answers: TLS setup: ") + mosquitto_strerror(rc));
    }
  }
  mosquitto_connect_v5_callback_set(mosq_, &AnswerPublisherCallbacks::on_connect);
  mosquitto_disconnect_v5_callback_set(mosq_, &AnswerPublisherCallbacks::on_disconnect);
  mosquitto_publish_v5_callback_set(mosq_, &AnswerPublisherCallbacks::on_publish);
}

AnswerPublisher::~AnswerPublisher() {
  stop(std::chrono::milliseconds(0));
  if (mosq_) mosquitto_destroy(mosq_);
}

void AnswerPublisher::count(std::string_view outcome, std::uint64_t n) {
  if (!options_.metrics) return;
  options_.metrics
      ->counter("setia_answers_total",
                "Answers (results, lookup replies, dead letters) by outcome: sent (acknowledged by the broker), "
                "refused_by_broker, unsendable, lost_at_exit",
                {{"outcome", std::string(outcome)}})
      .inc(n);
}

void AnswerPublisher::start(const std::atomic<bool>& stopping) {
  if (running_.exchange(true)) return;
  stopping_ = &stopping;
  // Both threads are named and batch before start() returns: before the
  // first sale, and before setiad says it is ready.
  std::latch marked(2);
  auto mark = [this, &marked](const char* name) {
    if (!mark_background_thread(name)) log_->info("answers: SCHED_BATCH refused for {}; default policy kept", name);
    marked.count_down();
  };
  network_ = std::thread([this, mark] {
    mark("setia-mqtt-net");
    network_loop();
  });
  pump_ = std::thread([this, mark] {
    mark("setia-answers");
    pump();
  });
  marked.wait();
}

void AnswerPublisher::publish(Answer answer) {
  if (!queue_.push(std::move(answer), stopping_.load())) count("lost_at_exit");
}

void AnswerPublisher::network_loop() {
  auto delay = std::chrono::milliseconds(500);
  bool ever = false;
  while (running_.load()) {
    int rc =
        ever ? mosquitto_reconnect(mosq_) : mosquitto_connect(mosq_, host_.c_str(), port_, options_.mqtt.keepalive_s);
    if (rc == MOSQ_ERR_SUCCESS) {
      ever = true;
      delay = std::chrono::milliseconds(500);
      // Runs until the connection fails or we stop.
      while (running_.load() && (rc = mosquitto_loop(mosq_, 100, 1)) == MOSQ_ERR_SUCCESS) {
      }
      if (!running_.load()) break;
    }
    std::size_t suppressed = 0;
    if (down_log_.allow(suppressed)) {
      log_->warn("answers: cannot reach broker {}: {}; retrying ({} similar suppressed)", options_.mqtt.uri,
                 rc == MOSQ_ERR_ERRNO ? std::strerror(errno) : mosquitto_strerror(rc), suppressed);
    }
    for (auto waited = std::chrono::milliseconds(0); waited < delay && running_.load();
         waited += std::chrono::milliseconds(50)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    delay = std::min(delay * 2, std::chrono::milliseconds(10000));
  }
}

void AnswerPublisher::pump() {
  auto last_report = std::chrono::steady_clock::now();
  std::uint64_t reported = 0;
  while (running_.load()) {
    auto now = std::chrono::steady_clock::now();
    if (now - last_report >= kLossReport) {
      auto s = queue_.stats();
      auto lost = s.unsendable + s.refused_by_broker;
      if (lost != reported) {
        log_->error(
            "answers: {} could not be delivered in the last {} s ({} unsendable, {} refused by the broker, "
            "since start); /metrics setia_answers_total",
            lost - reported, kLossReport.count(), s.unsendable, s.refused_by_broker);
        reported = lost;
      }
      last_report = now;
    }
    // Only while connected: libmosquitto would otherwise write a PUBLISH
    // into a socket whose CONNECT is not sent yet (the broker then drops
    // the connection). Answers wait in the queue meanwhile.
    if (!connected_.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      continue;
    }
    auto a = queue_.take(std::chrono::milliseconds(200));
    if (!a) continue;
    mosquitto_property* props = nullptr;
    if (!a->correlation_data.empty() &&
        mosquitto_property_add_binary(
            &props, MQTT_PROP_CORRELATION_DATA, a->correlation_data.data(),
            static_cast<std::uint16_t>(std::min<std::size_t>(a->correlation_data.size(), 65535))) != MOSQ_ERR_SUCCESS) {
      queue_.refused(std::move(*a));  // out of memory: offered again shortly, with its correlation data
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      continue;
    }
    int mid = 0;
    int rc = mosquitto_publish_v5(mosq_, &mid, a->topic.c_str(), static_cast<int>(a->payload.size()), a->payload.data(),
                                  1, false, props);
    mosquitto_property_free_all(&props);
    switch (rc) {
      case MOSQ_ERR_INVAL:
      case MOSQ_ERR_MALFORMED_UTF8:
      case MOSQ_ERR_PAYLOAD_SIZE:
      case MOSQ_ERR_OVERSIZE_PACKET:
      case MOSQ_ERR_QOS_NOT_SUPPORTED:
      case MOSQ_ERR_NOT_SUPPORTED: {
        // Refused before it was queued, and it would be every time.
        queue_.unsendable();
        count("unsendable");
        std::size_t suppressed = 0;
        if (unsendable_log_.allow(suppressed)) {
          log_->error("answers: cannot publish to '{}': {} ({} so far)", a->topic, mosquitto_strerror(rc),
                      queue_.stats().unsendable);
        }
        break;
      }
      default:
        // Queued in libmosquitto (MOSQ_ERR_NO_CONN and the like included: a
        // QoS 1 message is kept and sent again after the reconnect). Out of
        // memory too: libmosquitto may already hold the message when its
        // send fails, and offering it again could send it twice.
        break;
    }
  }
}

void AnswerPublisher::stop(std::chrono::milliseconds timeout) {
  if (!running_.load()) return;
  if (timeout.count() > 0 && !queue_.drain(timeout)) {
    auto s = queue_.stats();
    log_->warn("answers: {} waiting and {} unacknowledged at exit; their POS republish and get the stored results",
               s.waiting, s.in_flight);
  }
  auto before = queue_.stats().lost_at_exit;
  queue_.close();
  auto lost = queue_.stats().lost_at_exit - before;
  if (lost) count("lost_at_exit", lost);
  running_ = false;
  if (pump_.joinable()) pump_.join();
  mosquitto_disconnect(mosq_);
  if (network_.joinable()) network_.join();
}

}  // namespace setia::adapters::mqtt
