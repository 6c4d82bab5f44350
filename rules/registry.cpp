#include "rules/registry.h"

#include "rules/loader.h"

namespace setia::rules {

std::expected<std::shared_ptr<const RuleBook>, LoadErrors> Registry::reload() {
  auto book = load_rule_dir(dir_);
  if (!book) {
    std::lock_guard lock(mu_);
    status_.last_error = book.error();
    status_.failed_at = std::chrono::system_clock::now();
    return std::unexpected(std::move(book.error()));
  }
  auto fresh = std::make_shared<const RuleBook>(std::move(*book));
  std::lock_guard lock(mu_);
  book_ = fresh;
  status_.loaded_at = std::chrono::system_clock::now();
  status_.last_error.reset();
  return fresh;
}

}  // namespace setia::rules
