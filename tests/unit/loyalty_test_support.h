#pragma once

// What the points, rewards, promos and scheduler tests share: the fakes of
// the ports those services use (tests/fakes/), a clock that tests move, and
// a rule book of one file. No I/O.

#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "rules/loader.h"
#include "tests/fakes/fake_job_lock.h"
#include "tests/fakes/fake_member_store.h"
#include "tests/fakes/fake_offer_store.h"
#include "tests/fakes/fake_points_store.h"
#include "tests/fakes/manual_clock.h"

namespace setia::core::test {

using ::setia::test::ManualClock;
using namespace ::setia::core::fakes;

// A rule book of one store's rule file (which must load).
inline std::shared_ptr<const rules::RuleBook> book_of(const std::string& yaml) {
  auto rs = rules::load_rule_text(yaml, "test.yaml");
  EXPECT_TRUE(rs.has_value()) << (rs ? "" : rs.error()[0].to_string());
  auto book = std::make_shared<rules::RuleBook>();
  if (rs) {
    auto set = std::make_shared<const rules::RuleSet>(std::move(*rs));
    book->by_store[set->store] = set;
    book->version = "test";
  }
  return book;
}

}  // namespace setia::core::test
