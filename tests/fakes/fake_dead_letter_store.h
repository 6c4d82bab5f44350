#pragma once

// Dead letters in memory, newest first by id, in their store or every
// store; what was released and replayed is remembered.

#include <algorithm>
#include <string>
#include <vector>

#include "core/ports/dead_letter_store.h"
#include "tests/fakes/keyset_page.h"

namespace setia::core::fakes {

class FakeDeadLetters final : public DeadLetterStore {
 public:
  std::vector<DeadLetterRow> letters;  // any order
  std::vector<std::string> released;   // "store event_id"

  std::expected<Page<DeadLetterRow>, StoreError> dead_letters(const std::optional<std::string>& store_id,
                                                              const PageRequest& page) override {
    std::vector<DeadLetterRow> rows;
    for (const auto& d : letters) {
      if (!store_id || d.store_id == store_id) rows.push_back(d);
    }
    std::sort(rows.begin(), rows.end(), [](const auto& x, const auto& y) { return x.id > y.id; });
    return keyset_page(rows, page, [](const DeadLetterRow& d) { return Cursor{d.id, 0}; });
  }
  std::expected<std::optional<DeadLetterRow>, StoreError> dead_letter(
      long long id, const std::optional<std::string>& store_id) override {
    for (const auto& d : letters) {
      if (d.id == id && (!store_id || d.store_id == store_id)) return d;
    }
    return std::nullopt;
  }
  std::expected<void, StoreError> release_rejected_claim(const std::string& store_id,
                                                         const std::string& event_id) override {
    released.push_back(store_id + " " + event_id);
    return {};
  }
  std::expected<void, StoreError> mark_replayed(long long id, const std::string& result_json) override {
    for (auto& d : letters) {
      if (d.id == id) d.replay_result = result_json;
    }
    return {};
  }
  std::expected<long long, StoreError> purge_received_before(std::int64_t before, int limit) override {
    std::sort(letters.begin(), letters.end(), [](const auto& x, const auto& y) { return x.at < y.at; });
    long long n = 0;
    while (n < limit && !letters.empty() && letters.front().at < before) {
      letters.erase(letters.begin());
      ++n;
    }
    ++purge_calls;
    return n;
  }
  int purge_calls = 0;
};

}  // namespace setia::core::fakes
