#include "rules/registry.h"

#include "rules/loader.h"

namespace setia::rules {

std::expected<std::shared_ptr<const RuleBook>, LoadErrors> Registry::reload() {
  auto book = load_rule_dir(dir_);
  if (!book) return std::unexpected(std::move(book.error()));
  auto fresh = std::make_shared<const RuleBook>(std::move(*book));
  std::lock_guard lock(mu_);
  book_ = fresh;
  return fresh;
}

}  // namespace setia::rules
