#pragma once

// An OutboxStore in memory: rows by id, their status and last error, the
// device tokens dropped (the dispatcher unit tests).

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>
#include "core/ports/outbox_store.h"

namespace setia::core::fakes {

struct FakeOutboxRow {
  OutboxItem item;
  std::string status = "pending";
  std::chrono::seconds delay{0};
  std::string error;
};

class FakeOutbox final : public OutboxStore {
 public:
  std::map<long long, FakeOutboxRow> rows;
  std::vector<std::string> dropped;

  void add(long long id, std::string token, int attempts_so_far = 0) {
    FakeOutboxRow r;
    r.item.id = id;
    r.item.notification_id = 100 + id;
    r.item.device_token = std::move(token);
    r.item.attempts = attempts_so_far;
    r.item.store_id = "marikh-salatiga";
    r.item.kind = "sale_points";
    r.item.data_json = R"({"points": 52, "balance": 172, "receipt_no": "20200505234"})";
    rows[id] = r;
  }
  std::expected<std::vector<OutboxItem>, StoreError> claim(int limit, std::chrono::seconds) override {
    std::vector<OutboxItem> out;
    for (auto& [id, r] : rows) {
      if (r.status == "pending" && static_cast<int>(out.size()) < limit) {
        ++r.item.attempts;
        r.status = "leased";
        out.push_back(r.item);
      }
    }
    return out;
  }
  // A row is marked only under the store it was claimed with, as in
  // PgOutboxStore, whose statements name it.
  std::expected<void, StoreError> mark_sent(const std::string& store, long long id) override {
    if (!ours(store, id)) return {};
    rows[id].status = "sent";
    return {};
  }
  std::expected<void, StoreError> mark_retry(const std::string& store, long long id, std::chrono::seconds delay,
                                             const std::string& e) override {
    if (!ours(store, id)) return {};
    rows[id].status = "pending";
    rows[id].delay = delay;
    rows[id].error = e;
    return {};
  }
  std::expected<void, StoreError> mark_dead(const std::string& store, long long id, const std::string& e) override {
    if (!ours(store, id)) return {};
    rows[id].status = "dead";
    rows[id].error = e;
    return {};
  }
  std::expected<void, StoreError> drop_device(const std::optional<std::string>& store, const std::string& token,
                                              const std::string& e) override {
    dropped.push_back(token);
    for (auto& [id, r] : rows) {
      if ((!store || r.item.store_id == *store) && r.item.device_token == token && r.status != "sent") {
        r.status = "dead";
        r.error = e;
      }
    }
    return {};
  }
  std::expected<std::vector<OutboxRow>, StoreError> list(const std::optional<std::string>& status, int limit) override {
    std::vector<OutboxRow> out;
    for (auto it = rows.rbegin(); it != rows.rend() && static_cast<int>(out.size()) < limit; ++it) {
      if (!status || it->second.status == *status) {
        out.push_back({.id = it->first,
                       .notification_id = it->second.item.notification_id,
                       .device_token = it->second.item.device_token,
                       .status = it->second.status});
      }
    }
    return out;
  }
  bool ours(const std::string& store, long long id) const {
    auto it = rows.find(id);
    return it != rows.end() && it->second.item.store_id == store;
  }
  std::expected<bool, StoreError> replay(long long id) override {
    if (!rows.contains(id) || rows[id].status != "dead") return false;
    rows[id].status = "pending";
    rows[id].item.attempts = 0;
    return true;
  }
};

}  // namespace setia::core::fakes
