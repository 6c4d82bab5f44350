#pragma once

#include <chrono>
#include <expected>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "rules/load_error.h"
#include "rules/rule_set.h"

namespace setia::rules {

// Holds the rule book in force. A reload parses the dir store by store into
// a new book and swaps it in: a store whose file is broken keeps the rules
// it had (RuleBook::broken lists it), the others take their new files.
// Readers keep the book they took for the whole of one event, so a swap
// falls between two events.
class Registry {
 public:
  explicit Registry(std::string dir) : dir_(std::move(dir)) {}

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
  mutable std::mutex mu_;
  std::shared_ptr<const RuleBook> book_;
  Status status_;
};

}  // namespace setia::rules
