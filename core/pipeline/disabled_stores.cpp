#include "core/pipeline/disabled_stores.h"

namespace setia::core {

void DisabledStores::replace(const std::vector<StoreRecord>& disabled) {
  auto next = std::make_shared<Map>();
  for (const auto& s : disabled) next->emplace(s.store_id, s);
  std::lock_guard lock(mu_);
  map_ = std::move(next);
}

std::optional<StoreRecord> DisabledStores::find(const std::string& store_id) const {
  std::shared_ptr<const Map> map;
  {
    std::lock_guard lock(mu_);
    map = map_;
  }
  if (map->empty()) return std::nullopt;  // the common case, no hashing
  auto it = map->find(store_id);
  if (it == map->end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> DisabledStores::ids() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (const auto& [id, record] : *map_) out.push_back(id);
  return out;
}

}  // namespace setia::core
