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
#include "tests/support/rule_books.h"

namespace setia::core::test {

using ::setia::test::ManualClock;
using namespace ::setia::core::fakes;

using ::setia::test::book_of;  // tests/support/rule_books.h

}  // namespace setia::core::test
