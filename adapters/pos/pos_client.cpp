#include "adapters/pos/pos_client.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <fstream>
#include <limits>
#include <mutex>
#include <optional>
#include <random>
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
  return nlohmann::json{{"sent", sent},
                        {"applied", applied},
                        {"duplicate", duplicate},
                        {"rejected", rejected},
                        {"republished", republished},
                        {"unanswered", unanswered},
                        {"throttle_notices", throttle_notices}}
      .dump();
}

struct PosClient::Impl {
  PosOptions opt;
  std::unique_ptr<::mqtt::async_client> client;
  std::shared_ptr<spdlog::logger> log = log::get("pos");
  std::mt19937_64 rng{std::random_device{}()};

  struct Pending {
    const PosEvent* event;
    std::optional<Clock::time_point> first_sent;  // unset until it went out once
    Clock::time_point next_due;                   // republish then, if still unanswered
    std::size_t republished = 0;
    std::uint64_t seq = 0;                        // order of first publication, from 1
    bool held = false;                            // unanswered when setiad throttled its store: send again
  };
  std::mutex mu;
  std::condition_variable cv;
  std::unordered_map<std::string, Pending> pending;  // "store/event_id"
  // Progress: the latest first publication answered, and when any result
  // last came. Results come back in about the order sales went out, so an
  // event still unanswered while a later one was answered has lost its
  // answer; one that is merely queued behind a burst has not, and is not
  // republished while results keep coming.
  std::uint64_t published_seq = 0, answered_seq = 0;
  Clock::time_point last_result{};
  std::vector<std::pair<Pending, std::string>> arrived;  // results not yet handed to the caller
  // Throttling (docs/pos-contract.md#throttling): after a notice for one of
  // our stores, nothing goes out until hold_until, then at most `pace`
  // publishes per second until no notice came for kPaceFor.
  std::set<std::string> stores;  // of the events being sent
  Clock::time_point hold_until{}, last_notice{}, paced_at{};
  double pace = 0, pace_tokens = 0;
  std::size_t notices = 0;
  static constexpr auto kPaceFor = std::chrono::seconds(30);

  // Only send()'s thread touches these.
  struct Outgoing {
    const PosEvent* event;
    bool again;  // a republish, not the first send
  };
  std::deque<Outgoing> to_publish;  // first publishes and republishes, in order
  std::deque<::mqtt::delivery_token_ptr> unacknowledged;  // QoS 1 publishes the broker has not PUBACKed

  std::string result_filter() const { return opt.mqtt.topic_prefix + "/+/pos/result"; }

  void on_throttle_notice(const nlohmann::json& j) {
    std::lock_guard lock(mu);
    if (!stores.contains(j.value("store_id", ""))) return;
    auto now = Clock::now();
    auto wait = std::chrono::seconds(std::clamp<std::int64_t>(j.value("retry_after_s", 5), 1, 3600));
    std::uniform_real_distribution<double> jitter(1.0, 1.5);
    hold_until = std::max(hold_until, now + std::chrono::duration_cast<Clock::duration>(wait * jitter(rng)));
    pace = static_cast<double>(std::max<std::int64_t>(1, j.value("rate_per_s", 1)));
    pace_tokens = 0;
    paced_at = hold_until;
    last_notice = now;
    ++notices;
    for (auto& [key, p] : pending) {
      if (p.first_sent && p.event->store == j.value("store_id", "")) {
        p.held = true;
        p.next_due = hold_until;
      }
    }
  }

  // How many publishes may go out now (under mu): none while held, then at
  // the lower of send_rate and the notice's pace, a twentieth of a second's
  // worth at a time.
  std::size_t allowance(Clock::time_point now) {
    if (now < hold_until) return 0;
    if (pace > 0 && now - last_notice > kPaceFor) pace = 0;
    double rate = opt.send_rate;
    if (pace > 0) rate = rate > 0 ? std::min(rate, pace) : pace;
    if (rate <= 0) return std::numeric_limits<std::size_t>::max();
    pace_tokens =
        std::min(std::max(1.0, rate / 20), pace_tokens + rate * std::chrono::duration<double>(now - paced_at).count());
    paced_at = now;
    return static_cast<std::size_t>(pace_tokens);
  }

  void on_message(const ::mqtt::const_message_ptr& msg) {
    auto j = nlohmann::json::parse(msg->get_payload_ref().str(), nullptr, false);
    if (j.is_object() && j.value("schema", "") == "setia.pos.throttled/1") return on_throttle_notice(j);
    if (!j.is_object() || !j.contains("event_id") || !j.contains("store_id")) return;
    std::string key = j.value("store_id", "") + "/" + j.value("event_id", "");
    std::lock_guard lock(mu);
    auto it = pending.find(key);
    if (it == pending.end()) return;  // a late result of an event already answered
    answered_seq = std::max(answered_seq, it->second.seq);
    last_result = Clock::now();
    arrived.emplace_back(it->second, msg->get_payload_str());
    pending.erase(it);
    cv.notify_all();
  }

  std::size_t in_flight() {
    std::erase_if(unacknowledged, [](const auto& t) { return t->is_complete(); });
    return unacknowledged.size();
  }

  bool publish(const PosEvent& e) {
    try {
      unacknowledged.push_back(client->publish(
          ::mqtt::make_message(opt.mqtt.topic_prefix + "/" + e.store + "/pos/" + e.kind, e.payload, 1, false)));
      return true;
    } catch (const ::mqtt::exception& ex) {
      log->debug("event_id={} publish failed ({}); will publish it again", e.event_id, ex.what());
      return false;
    }
  }

  // Publishes from to_publish while the broker's window has room; returns
  // the events that went out (their timers start now).
  std::vector<Outgoing> publish_some(std::size_t allowed) {
    std::vector<Outgoing> out;
    while (!to_publish.empty() && out.size() < allowed && in_flight() < std::max<std::size_t>(opt.publish_window, 1)) {
      if (!publish(*to_publish.front().event)) break;  // disconnected: paho reconnects, we try again soon
      out.push_back(to_publish.front());
      to_publish.pop_front();
    }
    return out;
  }
};

std::chrono::milliseconds republish_wait(const PosOptions& o, std::size_t attempt, double stretch) {
  auto wait = o.result_timeout;
  for (std::size_t i = 1; i < attempt && wait < o.backoff_max; ++i) wait *= 2;
  wait = std::min(wait, std::max(o.backoff_max, o.result_timeout));
  return std::chrono::milliseconds(
      static_cast<long long>(static_cast<double>(wait.count()) * std::clamp(stretch, 1.0, 1.5)));
}

PosClient::PosClient(PosOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->opt = std::move(options);
  impl_->client = std::make_unique<::mqtt::async_client>(impl_->opt.mqtt.uri, impl_->opt.mqtt.client_id,
                                                         ::mqtt::create_options(MQTTVERSION_5));
  impl_->client->set_message_callback([this](const ::mqtt::const_message_ptr& m) { impl_->on_message(m); });
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

PosSummary PosClient::send(const std::vector<PosEvent>& events,
                           const std::function<void(const PosResult&)>& on_result) {
  auto& im = *impl_;
  PosSummary sum;
  {
    std::set<std::string> distinct;
    for (const auto& e : events) distinct.insert(e.store + "/" + e.event_id);
    sum.sent = distinct.size();
    std::lock_guard lock(im.mu);
    im.stores.clear();
    for (const auto& e : events) im.stores.insert(e.store);
  }
  std::uniform_real_distribution<double> jitter(1.0, 1.5);
  const auto deadline = Clock::now() + im.opt.deadline;
  std::size_t next = 0;
  bool give_up = false, told_all_published = !im.opt.all_published;
  Clock::time_point next_scan{};
  im.to_publish.clear();
  {
    std::lock_guard lock(im.mu);
    im.last_result = Clock::now();  // no result yet is no stall yet
  }
  while (!give_up) {
    std::vector<std::pair<Impl::Pending, std::string>> results;
    bool idle = false;
    std::size_t allowed = 0;
    {
      std::lock_guard lock(im.mu);
      auto now = Clock::now();
      while ((im.opt.window == 0 || im.pending.size() < im.opt.window) && next < events.size()) {
        const auto& e = events[next++];
        // The same event twice in the input is published twice (that is
        // what a retrying POS does) but awaited once.
        im.pending.emplace(e.store + "/" + e.event_id, Impl::Pending{&e, std::nullopt, now});
        im.to_publish.push_back({&e, false});
      }
      // The republish scan visits every pending event: a few times per
      // timeout is enough, and keeps a burst of 20,000 from costing the
      // POS a scan per result.
      if (now >= next_scan) {
        next_scan = now + std::clamp<Clock::duration>(im.opt.result_timeout / 20, std::chrono::milliseconds(10),
                                                      std::chrono::milliseconds(500));
        const bool stalled = now - im.last_result >= im.opt.result_timeout;
        for (auto& [key, p] : im.pending) {
          if (p.first_sent && now >= p.next_due && (stalled || p.held || p.seq < im.answered_seq)) {
            p.held = false;
            ++p.republished;
            p.next_due = now + republish_wait(im.opt, p.republished + 1, jitter(im.rng));
            im.to_publish.push_back({p.event, true});
          }
        }
      }
      results.swap(im.arrived);
      if (results.empty() && im.pending.empty() && next >= events.size()) break;
      if (now >= deadline) give_up = true;
      allowed = im.allowance(now);
    }
    // Publish outside our lock: paho's callback thread holds paho's lock
    // while it waits for ours.
    auto went_out = im.publish_some(allowed);
    if (!went_out.empty()) {
      std::lock_guard lock(im.mu);
      auto now = Clock::now();
      if (im.pace > 0 || im.opt.send_rate > 0)
        im.pace_tokens = std::max(0.0, im.pace_tokens - static_cast<double>(went_out.size()));
      for (const auto& [e, again] : went_out) {
        auto it = im.pending.find(e->store + "/" + e->event_id);
        // Answered already (setiad may answer a first send before this
        // thread takes the lock again): nothing to time, and not a republish.
        const bool answered = it == im.pending.end();
        // Counted when it goes out, not when it is queued: a held store's
        // queue may wait long, or be answered before it leaves. An event
        // twice in the input goes out again as a first send.
        if (again || (!answered && it->second.first_sent)) {
          ++sum.republished;
          continue;
        }
        if (answered) continue;
        it->second.first_sent = now;
        it->second.seq = ++im.published_seq;
        it->second.next_due = now + republish_wait(im.opt, 1, jitter(im.rng));
      }
    }
    if (!told_all_published && next >= events.size() && im.to_publish.empty() && im.in_flight() == 0) {
      told_all_published = true;
      im.opt.all_published();
    }
    for (auto& [p, json] : results) {
      auto j = nlohmann::json::parse(json, nullptr, false);
      std::string status = j.value("status", "");
      std::string key = p.event->store + "/" + p.event->event_id;
      sum.status[key] = status;
      if (status == "rejected")
        ++sum.rejected;
      else if (j.value("duplicate", false))
        ++sum.duplicate;
      else
        ++sum.applied;
      auto since = p.first_sent.value_or(Clock::now());
      if (on_result) on_result(PosResult{*p.event, json, Clock::now() - since});
    }
    idle = went_out.empty() && results.empty();
    if (idle) {
      if (!im.to_publish.empty() && !im.unacknowledged.empty()) {
        // The broker's window is full: wait for its oldest PUBACK.
        try {
          im.unacknowledged.front()->wait_for(std::chrono::milliseconds(20));
        } catch (const ::mqtt::exception&) {
          // A failed publish: in_flight() drops its token, the event is republished on its timer.
        }
      } else {
        std::unique_lock lock(im.mu);
        im.cv.wait_for(lock, std::chrono::milliseconds(im.to_publish.empty() ? 50 : 5),
                       [&] { return !im.arrived.empty(); });
      }
    }
  }
  std::lock_guard lock(im.mu);
  std::set<std::string> unanswered;
  for (const auto& [key, p] : im.pending) unanswered.insert(key);
  for (std::size_t i = next; i < events.size(); ++i) unanswered.insert(events[i].store + "/" + events[i].event_id);
  sum.unanswered = unanswered.size();
  sum.throttle_notices = im.notices;
  im.notices = 0;
  im.pending.clear();
  im.to_publish.clear();
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
    if (schema == "setia.pos.sale/1")
      e.kind = "sale";
    else if (schema == "setia.pos.refund/1")
      e.kind = "refund";
    else
      return std::unexpected(where + "schema must be setia.pos.sale/1 or setia.pos.refund/1");
    if (!j.contains("event_id") || !j["event_id"].is_string()) return std::unexpected(where + "no event_id (a string)");
    e.event_id = j["event_id"].get<std::string>();
    e.payload = line;
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace setia::adapters::pos
