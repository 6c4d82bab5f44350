#include "adapters/postgres/pg_login_failure_store.h"

#include <soci/postgresql/soci-postgresql.h>

namespace setia::adapters::postgres {

std::expected<core::LoginFailures, core::StoreError> PgLoginFailureStore::login_failures(const std::string& store_id,
                                                                                         const std::string& account,
                                                                                         const std::string& address,
                                                                                         std::int64_t since) {
  core::LoginFailures out;
  long long from = since, oldest = 0, latest = 0, latest_here = 0;
  soci::indicator oldest_ind = soci::i_null, latest_ind = soci::i_null, here_ind = soci::i_null;
  auto done = session_.run([&](soci::session& sql) {
    sql << "SELECT count(*), extract(epoch FROM min(at))::bigint, extract(epoch FROM max(at))::bigint, "
           "count(*) FILTER (WHERE address = :ad), extract(epoch FROM max(at) FILTER (WHERE address = :ad2))::bigint "
           "FROM login_failures WHERE store_id = :st AND account = :a AND at >= to_timestamp(:s)",
        soci::use(address), soci::use(address), soci::use(store_id), soci::use(account), soci::use(from),
        soci::into(out.count), soci::into(oldest, oldest_ind), soci::into(latest, latest_ind),
        soci::into(out.from_address), soci::into(latest_here, here_ind);
  });
  if (!done) return std::unexpected(done.error());
  if (oldest_ind == soci::i_ok) out.oldest = oldest;
  if (latest_ind == soci::i_ok) out.latest = latest;
  if (here_ind == soci::i_ok) out.latest_from_address = latest_here;
  return out;
}

std::expected<void, core::StoreError> PgLoginFailureStore::add_login_failure(const std::string& store_id,
                                                                             const std::string& account,
                                                                             const std::string& address,
                                                                             std::int64_t at,
                                                                             std::int64_t forget_before) {
  long long when = at, forget = forget_before;
  return session_.run([&](soci::session& sql) {
    soci::transaction tr(sql);
    // The store's old rows only: a store's table stays the size of its own
    // window, and the statement stays within the store's rows.
    sql << "DELETE FROM login_failures WHERE store_id = :st AND at < to_timestamp(:f)", soci::use(store_id),
        soci::use(forget);
    sql << "INSERT INTO login_failures (store_id, account, address, at) VALUES (:st, :a, :ad, to_timestamp(:t))",
        soci::use(store_id), soci::use(account), soci::use(address), soci::use(when);
    tr.commit();
  });
}

std::expected<void, core::StoreError> PgLoginFailureStore::clear_login_failures(const std::string& store_id,
                                                                                const std::string& account,
                                                                                const std::string& address) {
  return session_.run([&](soci::session& sql) {
    sql << "DELETE FROM login_failures WHERE store_id = :st AND account = :a AND address = :ad", soci::use(store_id),
        soci::use(account), soci::use(address);
  });
}

}  // namespace setia::adapters::postgres
