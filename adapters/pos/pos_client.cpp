#include "adapters/pos/pos_client.h"

#include <condition_variable>
#include <fstream>
#include <mutex>
#include <set>
#include <unordered_map>

#include <mqtt/async_client.h>
#include <nlohmann/json.hpp>

#include "adapters/mqtt/mqtt_options.h"
#include "adapters/mqtt/tcp_nodelay.h"
#include "core/support/log.h"

namespace setia::adapters::pos {

using Clock = std::chrono::steady_clock;

std::string PosSummary::to_json() const {
  return nlohmann::json{{"sent", sent},       {"applied", applied},         {"duplicate", duplicate},
                        {"rejected", rejected}, {"republished", republished}, {"unanswered", unanswered}}
      .dump();
}

struct PosClient::Impl {
  PosOptions opt;
  std::unique_ptr<::mqtt::async_client> client;
  std::shared_ptr<spdlog::logger> log = log::get("pos");

  struct Pending {
    const PosEvent* event;
    Clock::time_point first_sent, last_sent;
  };
  std::mutex mu;
  std::condition_variable cv;
  std::unordered_map<std::string, Pending> pending;  // "store/event_id"
  std::vector<std::pair<Pending, std::string>> arrived;  // results not yet handed to the caller

  std::string result_filter() const { return opt.mqtt.topic_prefix + "/+/pos/result"; }

  void on_message(const ::mqtt::const_message_ptr& msg) {
    auto j = nlohmann::json::parse(msg->get_payload_ref().str(), nullptr, false);
    if (!j.is_object() || !j.contains("event_id") || !j.contains("store_id")) return;
    std::string key = j.value("store_id", "") + "/" + j.value("event_id", "");
    std::lock_guard lock(mu);
    auto it = pending.find(key);
    if (it == pending.end()) return;  // a late result of an event already answered
    arrived.emplace_back(it->second, msg->get_payload_str());
    pending.erase(it);
    cv.notify_all();
  }

  bool publish(const PosEvent& e) {
    try {
      client->publish(::mqtt::make_message(opt.mqtt.topic_prefix + "/" + e.store + "/pos/" + e.kind, e.payload, 1, false));
      return true;
    } catch (const ::mqtt::exception& ex) {
      log->debug("event_id={} publish failed ({}); will republish", e.event_id, ex.what());
      return false;
    }
  }
};

PosClient::PosClient(PosOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->opt = std::move(options);
  impl_->client = std::make_unique<::mqtt::async_client>(impl_->opt.mqtt.uri, impl_->opt.mqtt.client_id,
                                                         ::mqtt::create_options(MQTTVERSION_5));
  impl_->client->set_message_callback([this](::mqtt::const_message_ptr m) { impl_->on_message(m); });
  impl_->client->set_connected_handler([this](const std::string&) {
    mqtt::disable_nagle_towards(impl_->opt.mqtt.uri);
    // A clean session forgets our subscription on every reconnect.
    try {
      impl_->client->subscribe(impl_->result_filter(), 1);
    } catch (...) {
    }
  });
}

PosClient::~PosClient() {
  try {
    if (impl_->client->is_connected()) impl_->client->disconnect()->wait_for(std::chrono::seconds(5));
  } catch (...) {
  }
}

std::expected<void, std::string> PosClient::connect() {
  try {
    auto opts = mqtt::make_connect_options(impl_->opt.mqtt, /*persistent_session=*/false);
    if (!impl_->client->connect(opts)->wait_for(std::chrono::seconds(15))) return std::unexpected("connect timed out");
    impl_->client->subscribe(impl_->result_filter(), 1)->wait_for(std::chrono::seconds(15));
    return {};
  } catch (const ::mqtt::exception& e) {
    return std::unexpected(std::string("cannot connect to ") + impl_->opt.mqtt.uri + ": " + e.what());
  }
}

PosSummary PosClient::send(const std::vector<PosEvent>& events, const std::function<void(const PosResult&)>& on_result) {
  auto& im = *impl_;
  PosSummary sum;
  {
    std::set<std::string> distinct;
    for (const auto& e : events) distinct.insert(e.store + "/" + e.event_id);
    sum.sent = distinct.size();
  }
  const auto deadline = Clock::now() + im.opt.deadline;
  std::size_t next = 0;
  bool give_up = false;
  while (!give_up) {
    std::vector<const PosEvent*> to_send;
    std::vector<std::pair<Impl::Pending, std::string>> results;
    {
      std::unique_lock lock(im.mu);
      auto now = Clock::now();
      while (im.pending.size() < im.opt.window && next < events.size()) {
        const auto& e = events[next++];
        // The same event twice in the input is published twice (that is
        // what a retrying POS does) but awaited once.
        im.pending.emplace(e.store + "/" + e.event_id, Impl::Pending{&e, now, now});
        to_send.push_back(&e);
      }
      for (auto& [key, p] : im.pending) {
        if (now - p.last_sent >= im.opt.result_timeout) {
          p.last_sent = now;
          ++sum.republished;
          to_send.push_back(p.event);
        }
      }
      if (to_send.empty()) {
        if (im.pending.empty() && next >= events.size() && im.arrived.empty()) break;
        if (now >= deadline) give_up = true;
        else im.cv.wait_for(lock, std::chrono::milliseconds(50), [&] { return !im.arrived.empty(); });
      }
      results.swap(im.arrived);
    }
    // Publish outside our lock: paho's callback thread holds paho's lock
    // while it waits for ours.
    for (const auto* e : to_send) im.publish(*e);
    for (auto& [p, json] : results) {
      auto j = nlohmann::json::parse(json, nullptr, false);
      std::string status = j.value("status", "");
      std::string key = p.event->store + "/" + p.event->event_id;
      sum.status[key] = status;
      if (status == "rejected") ++sum.rejected;
      else if (j.value("duplicate", false)) ++sum.duplicate;
      else ++sum.applied;
      if (on_result) on_result(PosResult{*p.event, json, Clock::now() - p.first_sent});
    }
  }
  std::lock_guard lock(im.mu);
  std::set<std::string> unanswered;
  for (const auto& [key, p] : im.pending) unanswered.insert(key);
  for (std::size_t i = next; i < events.size(); ++i) unanswered.insert(events[i].store + "/" + events[i].event_id);
  sum.unanswered = unanswered.size();
  im.pending.clear();
  return sum;
}

std::expected<std::vector<PosEvent>, std::string> read_events_jsonl(const std::string& path, const std::string& store) {
  std::ifstream in(path);
  if (!in) return std::unexpected("cannot read " + path);
  std::vector<PosEvent> out;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto j = nlohmann::json::parse(line, nullptr, false);
    std::string where = path + ":" + std::to_string(n) + ": ";
    if (!j.is_object()) return std::unexpected(where + "not a JSON object");
    auto schema = j.value("schema", "");
    PosEvent e;
    e.store = store;
    if (schema == "setia.pos.sale/1") e.kind = "sale";
    else if (schema == "setia.pos.refund/1") e.kind = "refund";
    else return std::unexpected(where + "schema must be setia.pos.sale/1 or setia.pos.refund/1");
    if (!j.contains("event_id") || !j["event_id"].is_string()) return std::unexpected(where + "no event_id (a string)");
    e.event_id = j["event_id"].get<std::string>();
    e.payload = line;
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace setia::adapters::pos
