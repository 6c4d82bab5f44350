#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "rules/load_error.h"
#include "rules/rule_set.h"

namespace setia::rules {

// A store's rule text saved as a version (PostgreSQL's rule_versions, read
// by the daemon): it rules the store in place of the store's file.
struct StoredRules {
  std::string store;
  int version = 0;
  std::string text;
  std::int64_t saved_at = 0;
};

// Given the files of the dir as just loaded, the newest stored version of
// every store that has one (recording first the file contents it has not
// seen, docs/rules.md "Rule versions"); an error (the database is down)
// keeps the stored versions in force.
using StoredVersions = std::function<std::expected<std::vector<StoredRules>, std::string>(const RuleBook& files)>;

// Holds the rule book in force. A reload parses the dir store by store into
// a new book and swaps it in: a store whose file is broken keeps the rules
// it had (RuleBook::broken lists it), the others take their new files; a
// store with a stored version takes that instead of its file.
// Readers keep the book they took for the whole of one event, so a swap
// falls between two events.
class Registry {
 public:
  explicit Registry(std::string dir) : dir_(std::move(dir)) {}

  // Where stored versions come from (setiad: PostgreSQL); none: the dir
  // alone (setiactl, tests, before the database is reachable). Set before
  // the reload that should use it; reloads run on one thread.
  void set_stored_versions(StoredVersions source) { stored_ = std::move(source); }

  // Loads the dir; fails only when the dir cannot be listed, and then the
  // book in force (if any) stays.
  std::expected<std::shared_ptr<const RuleBook>, LoadErrors> reload();

  std::shared_ptr<const RuleBook> current() const {
    std::lock_guard lock(mu_);
    return book_;
  }

  const std::string& dir() const { return dir_; }

  // For admins (GET /v1/admin/rules): when the book in force was loaded, and
  // the errors of the last reload when it had any (a clean reload clears them).
  struct Status {
    std::chrono::system_clock::time_point loaded_at{};
    std::optional<LoadErrors> last_error;
    std::chrono::system_clock::time_point failed_at{};
  };
  Status status() const {
    std::lock_guard lock(mu_);
    return status_;
  }

 private:
  std::string dir_;
  StoredVersions stored_;
  mutable std::mutex mu_;
  std::shared_ptr<const RuleBook> book_;
  Status status_;
};

}  // namespace setia::rules
