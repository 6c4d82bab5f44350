#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/ports/store_registry.h"

namespace setia::core {

// The stores an operator disabled (setiactl store disable), as setiad last
// read them from the StoreRegistry: the pipeline asks on every message,
// the daemon's main loop replaces the whole set every few seconds. Reads
// take a snapshot under a short lock and never wait on the database.
class DisabledStores {
 public:
  void replace(const std::vector<StoreRecord>& disabled);
  // The store's record when it is disabled.
  std::optional<StoreRecord> find(const std::string& store_id) const;
  std::vector<std::string> ids() const;

 private:
  using Map = std::unordered_map<std::string, StoreRecord>;
  mutable std::mutex mu_;
  std::shared_ptr<const Map> map_ = std::make_shared<const Map>();
};

}  // namespace setia::core
