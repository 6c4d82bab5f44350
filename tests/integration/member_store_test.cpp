// Members on real PostgreSQL: a registration stores the member and their
// password hash in one transaction, so one that fails half-way leaves no
// member behind whose phone or email would block registering again.
#include <gtest/gtest.h>

#include "adapters/postgres/pg_member_store.h"
#include "core/services/members.h"
#include "points_support.h"

namespace setia::it {
namespace {

TEST(MemberStore, ARegistrationWhosePasswordCannotBeStoredLeavesNoMember) {
  migrate_once();
  auto sql = db();
  adapters::postgres::PgMemberStore store(pg_conninfo());
  core::Members members(store, random64);
  const std::string shop = unique("reg");
  // member_credentials accepts only argon2 hashes: the second insert fails.
  auto bad = members.add({shop, "Ocha", "+62 812 0000 0001", std::nullopt, std::nullopt, "plain-text"});
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM members WHERE store_id = '" + shop + "'"), 0)
      << "the member's row was rolled back with the password's";

  const std::string hash = "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$aGFzaA";
  auto ok = members.add({shop, "Ocha", "+62 812 0000 0001", std::nullopt, std::nullopt, hash});
  ASSERT_TRUE(ok.has_value()) << ok.error().message;
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM member_credentials WHERE member_id = " + std::to_string(ok->id) +
                             " AND password_hash = '" + hash + "'"),
            1);
  // A member registered by an admin (setiactl) has no password yet.
  auto by_admin = members.add({shop, "Bima", "+62 812 0000 0002", std::nullopt, std::nullopt, std::nullopt});
  ASSERT_TRUE(by_admin.has_value()) << by_admin.error().message;
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM member_credentials WHERE member_id = " + std::to_string(by_admin->id)),
            0);
}

}  // namespace
}  // namespace setia::it
