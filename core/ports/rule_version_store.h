#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "core/ports/page.h"
#include "core/ports/store_error.h"

namespace setia::core {

// One saved text of a store's rule file (docs/rules.md, "Rule versions").
struct RuleVersion {
  std::string store_id;
  int version = 0;
  std::string yaml;    // empty in list(): the texts are fetched one by one
  std::string hash;    // rules::version_hash(yaml)
  std::string source;  // file, console, restore, cli
  std::optional<int> restored_from;
  std::optional<long long> saved_by;  // the admin account
  std::string actor;
  std::string note;
  std::int64_t saved_at = 0;  // unix seconds
};

struct NewRuleVersion {
  std::string store_id;
  std::string yaml;
  std::string hash;
  std::string source;
  std::optional<int> restored_from;
  std::optional<long long> saved_by;
  std::string actor;
  std::string note;
};

// The store's newest version is not the one the save was based on.
struct StaleBase {
  int latest = 0;
};

// Where rule versions are kept (PostgreSQL: rule_versions, migration
// 0022). Each call is one statement or one transaction.
class RuleVersionStore {
 public:
  virtual ~RuleVersionStore() = default;

  // Adds the store's next version when its newest is `base` (0: the store
  // has none yet); else StaleBase, and nothing is written. Before the
  // first version of a store, `file_text` (the store's file as this
  // process loaded it, when it has one) is recorded as its version 1
  // (source file, `file_actor`), so that history and diffs start from what
  // ruled the store and that file content never counts as new again.
  virtual std::expected<RuleVersion, WriteFailure<StaleBase>> save(const NewRuleVersion& v, int base,
                                                                   const std::optional<NewRuleVersion>& file_text) = 0;

  // Records a store's rule file as a new version when the store has
  // versions and none of them has this hash: the first setiad to see a new
  // file content records it, the others (and later reloads) find it
  // recorded. The version added, or none.
  virtual std::expected<std::optional<RuleVersion>, StoreError> record_file(const NewRuleVersion& v) = 0;

  // The newest version of every store that has one (texts included).
  virtual std::expected<std::vector<RuleVersion>, StoreError> newest_of_every_store() = 0;
  virtual std::expected<std::optional<RuleVersion>, StoreError> newest(const std::string& store_id) = 0;

  // Newest first, without their texts; the cursor is the version number.
  virtual std::expected<Page<RuleVersion>, StoreError> list(const std::string& store_id, const PageRequest& page) = 0;
  virtual std::expected<std::optional<RuleVersion>, StoreError> get(const std::string& store_id, int version) = 0;
};

}  // namespace setia::core
