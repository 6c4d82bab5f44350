#include "rules/registry.h"
#include "rules/loader.h"

namespace setia::rules {
namespace {

// Stored versions take the place of their stores' files. A version already
// in force is kept as it is (its text was loaded once); a stored text the
// loader refuses (saved by a newer setiad, say) keeps the store's rules and
// is listed as broken.
void apply_stored(RuleBook& book, const std::vector<StoredRules>& stored, const RuleBook* previous) {
  for (const auto& s : stored) {
    std::shared_ptr<const RuleSet> in_force;
    if (previous) {
      if (auto it = previous->by_store.find(s.store); it != previous->by_store.end()) in_force = it->second;
    }
    if (in_force && in_force->stored_version == s.version) {
      book.by_store.insert_or_assign(s.store, in_force);
      continue;
    }
    const std::string label = "rule_versions/" + s.store + "@v" + std::to_string(s.version);
    auto rs = load_rule_text(s.text, label);
    if (rs && rs->store != s.store) {
      rs = std::unexpected(LoadErrors{{label, 1, 1, "the text is for store '" + rs->store + "'"}});
    }
    if (!rs) {
      auto& errors = book.broken[s.store];
      errors.insert(errors.end(), rs.error().begin(), rs.error().end());
      if (in_force) book.by_store.insert_or_assign(s.store, in_force);
      continue;
    }
    rs->source = s.text;
    rs->stored_version = s.version;
    rs->stored_at = s.saved_at;
    book.by_store.insert_or_assign(s.store, std::make_shared<const RuleSet>(std::move(*rs)));
  }
}

// The stored versions of the book in force, to keep when the database
// cannot say which are the newest.
std::vector<StoredRules> stored_in(const RuleBook& book) {
  std::vector<StoredRules> out;
  for (const auto& [store, rs] : book.by_store) {
    if (rs->stored_version > 0) out.push_back({store, rs->stored_version, rs->source, rs->stored_at});
  }
  return out;
}

}  // namespace

std::expected<std::shared_ptr<const RuleBook>, LoadErrors> Registry::reload() {
  std::unique_lock lock(mu_);
  auto previous = book_;
  lock.unlock();
  // Store by store: a broken file keeps its store's rules of the book in
  // force, every other store takes its new file.
  auto book = load_rule_dir_by_store(dir_, previous.get());
  std::optional<std::string> stored_error;
  if (book && stored_) {
    auto stored = stored_(*book);
    if (!stored) stored_error = stored.error();
    apply_stored(*book, stored ? *stored : (previous ? stored_in(*previous) : std::vector<StoredRules>{}),
                 previous.get());
    name_version(*book);
  }
  lock.lock();
  if (!book) {
    status_.last_error = book.error();
    status_.failed_at = std::chrono::system_clock::now();
    return std::unexpected(std::move(book.error()));
  }
  auto fresh = std::make_shared<const RuleBook>(std::move(*book));
  book_ = fresh;
  status_.loaded_at = std::chrono::system_clock::now();
  auto errors = fresh->errors();
  if (stored_error) errors.push_back({"rule_versions", 0, 0, "cannot read the stored versions: " + *stored_error});
  if (!errors.empty()) {
    status_.last_error = std::move(errors);
    status_.failed_at = status_.loaded_at;
  } else {
    status_.last_error.reset();
  }
  return fresh;
}

}  // namespace setia::rules
