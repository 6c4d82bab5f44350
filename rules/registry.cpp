#include "rules/registry.h"

#include "rules/loader.h"

namespace setia::rules {

std::expected<std::shared_ptr<const RuleBook>, LoadErrors> Registry::reload() {
  std::unique_lock lock(mu_);
  auto previous = book_;
  lock.unlock();
  // Store by store: a broken file keeps its store's rules of the book in
  // force, every other store takes its new file.
  auto book = load_rule_dir_by_store(dir_, previous.get());
  lock.lock();
  if (!book) {
    status_.last_error = book.error();
    status_.failed_at = std::chrono::system_clock::now();
    return std::unexpected(std::move(book.error()));
  }
  auto fresh = std::make_shared<const RuleBook>(std::move(*book));
  book_ = fresh;
  status_.loaded_at = std::chrono::system_clock::now();
  if (auto errors = fresh->errors(); !errors.empty()) {
    status_.last_error = std::move(errors);
    status_.failed_at = status_.loaded_at;
  } else {
    status_.last_error.reset();
  }
  return fresh;
}

}  // namespace setia::rules
