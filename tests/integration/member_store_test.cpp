// Members on real PostgreSQL: a registration stores the member and their
// password hash in one transaction, so one that fails half-way leaves no
// member behind whose phone or email would block registering again; a
// store's phones are unique as login compares them (digits and '+'), on
// every path, and the migration that makes them so stops on rows that
// collide instead of picking one (migrations/0021_accounts.sql).
#include <gtest/gtest.h>
#include <soci/postgresql/soci-postgresql.h>

#include "adapters/postgres/migrator.h"
#include "adapters/postgres/pg_device_store.h"
#include "adapters/postgres/pg_member_store.h"
#include "adapters/postgres/pg_profile_store.h"
#include "core/services/members.h"
#include "core/services/profiles.h"
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

TEST(MemberStore, OnePhoneTypedTwoWaysIsOnePhoneInAStore) {
  migrate_once();
  auto sql = db();
  adapters::postgres::PgMemberStore store(pg_conninfo());
  core::Members members(store, random64);
  const std::string shop = unique("tel"), other = unique("tel");
  auto ocha = members.add({shop, "Ocha", "+62 812-3456-7890", std::nullopt, std::nullopt, std::nullopt});
  ASSERT_TRUE(ocha) << ocha.error().message;
  EXPECT_EQ(ocha->phone, "+6281234567890") << "stored as it is compared";

  // The same phone spelled as login reads it: taken, answered exactly as
  // the same spelling would be (409 phone_taken through REST).
  auto again = members.add({shop, "Nino", "+6281234567890", std::nullopt, std::nullopt, std::nullopt});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, core::ServiceError::Kind::conflict);
  EXPECT_EQ(again.error().reason, "phone_taken");
  EXPECT_EQ(again.error().message, "phone is already registered in this store");
  // Another store's member may have it.
  ASSERT_TRUE(members.add({other, "Ocha", "+6281234567890", std::nullopt, std::nullopt, std::nullopt}));

  // A profile change to a third spelling: taken too.
  auto sari = members.add({shop, "Sari", "0812 9999 0000", std::nullopt, std::nullopt, std::nullopt});
  ASSERT_TRUE(sari) << sari.error().message;
  adapters::postgres::PgSession session(pg_conninfo());
  adapters::postgres::PgProfileStore profile_store(session);
  adapters::postgres::PgDeviceStore devices(session);
  core::Profiles profiles(profile_store, devices);
  core::ProfilePatch patch;
  patch.phone = "+62 812 3456 7890";
  auto moved = profiles.update_own(sari->store_id, sari->id, patch);
  ASSERT_FALSE(moved);
  EXPECT_EQ(moved.error().reason, "phone_taken");
  patch.phone = "+62 812-1212-3434";
  auto changed = profiles.update_by_admin(sari->store_id, sari->id, patch, "cli:test");
  ASSERT_TRUE(changed) << changed.error().message;
  EXPECT_EQ(changed->member.phone, "+6281212123434");

  // Past the services too: the database's key is on the normalised form.
  const std::string code = unique("M");
  try {
    *sql << "INSERT INTO members (store_id, code, name, phone) VALUES (:s, :c, 'Raw', '+62-812-3456-7890')",
        soci::use(shop), soci::use(code);
    ADD_FAILURE() << "a raw insert of a taken phone went in";
  } catch (const soci::postgresql_soci_error& e) {
    EXPECT_EQ(e.sqlstate(), "23505");
  }
}

TEST(PhoneMigration, CollidingPhonesStopItNamingTheirMembersAndChangeNothing) {
  ScratchDatabase scratch;
  auto applied = adapters::postgres::migrate(scratch.conninfo(), 20);
  ASSERT_TRUE(applied) << applied.error();
  soci::session sql(soci::postgresql, scratch.conninfo());
  auto add = [&](const std::string& store, const std::string& phone) {
    long long id = 0;
    const std::string code = unique("M");
    sql << "INSERT INTO members (store_id, code, name, phone) VALUES (:s, :c, 'Ocha', :p) RETURNING id",
        soci::use(store), soci::use(code), soci::use(phone), soci::into(id);
    return std::to_string(id);
  };
  // Two groups in kopi-a; kopi-b's member shares a phone with another store
  // only, which is allowed.
  const auto a1 = add("kopi-a", "+62 812-3456-7890"), a2 = add("kopi-a", "+6281234567890");
  const auto a3 = add("kopi-a", "0812 1111 2222"), alone = add("kopi-a", "0812 5555 6666");
  const auto a4 = add("kopi-a", "0812-1111-2222"), b1 = add("kopi-b", "+6281234567890");
  const std::string before = "SELECT string_agg(id || '=' || phone, ',' ORDER BY id) FROM members";
  std::string rows_before, rows_after;
  sql << before, soci::into(rows_before);

  auto refused = adapters::postgres::migrate(scratch.conninfo());
  ASSERT_FALSE(refused) << "the migration picked a winner";
  const std::string& e = refused.error();
  EXPECT_NE(e.find("0021_accounts.sql"), std::string::npos) << e;
  EXPECT_NE(e.find("2 group(s)"), std::string::npos) << e;
  EXPECT_NE(e.find("store kopi-a: members " + a1 + ", " + a2), std::string::npos) << e;
  EXPECT_NE(e.find("store kopi-a: members " + a3 + ", " + a4), std::string::npos) << e;
  EXPECT_EQ(e.find("kopi-b"), std::string::npos) << e;
  EXPECT_EQ(e.find("members " + alone), std::string::npos) << e;
  EXPECT_EQ(e.find("3456"), std::string::npos) << "no phone in a message for logs: " << e;
  EXPECT_NE(e.find("docs/operations.md"), std::string::npos) << e;
  EXPECT_EQ(adapters::postgres::schema_version(scratch.conninfo()).value_or(-1), 20);
  sql << before, soci::into(rows_after);
  EXPECT_EQ(rows_after, rows_before) << "nothing merged, nothing rewritten";
  sql << "INSERT INTO members (store_id, code, name, phone) VALUES ('kopi-a', 'X-1', 'Raw', '0812-1111 2222')";
  sql << "DELETE FROM members WHERE code = 'X-1'";  // the old key (raw text) still the only one

  // The operator resolves each group (docs/operations.md): then it applies.
  sql << "UPDATE members SET phone = '+62 812 3456 7891' WHERE id = " + a2;
  sql << "UPDATE members SET phone = '0812 1111 2223' WHERE id = " + a4;
  applied = adapters::postgres::migrate(scratch.conninfo());
  ASSERT_TRUE(applied) << applied.error();
  EXPECT_GE(adapters::postgres::schema_version(scratch.conninfo()).value_or(-1), 21);
  try {
    sql << "INSERT INTO members (store_id, code, name, phone) VALUES ('kopi-a', 'X-2', 'Raw', '+628123456-7890')";
    ADD_FAILURE() << "a third spelling of a1's phone went in";
  } catch (const soci::postgresql_soci_error& err) {
    EXPECT_EQ(err.sqlstate(), "23505");
  }
  (void)b1;
}

}  // namespace
}  // namespace setia::it
