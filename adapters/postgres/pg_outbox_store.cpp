#include "adapters/postgres/pg_outbox_store.h"

namespace setia::adapters::postgres {

std::expected<std::vector<core::OutboxItem>, core::StoreError> PgOutboxStore::claim(int limit,
                                                                                    std::chrono::seconds lease) {
  std::vector<core::OutboxItem> items;
  int lease_s = static_cast<int>(lease.count());
  auto done = session_.run([&](soci::session& sql) {
    soci::rowset<soci::row> rows =
        (sql.prepare
             << "SELECT id, notification_id, coalesce(device_token, ''), coalesce(fcm_topic, ''), attempts, store_id, kind, "
                "data::text, lang, coalesce(member_name, '') FROM setia_outbox_claim(:n, :lease)",
         soci::use(limit), soci::use(lease_s));
    for (const auto& r : rows) {
      core::OutboxItem it;
      it.id = r.get<long long>(0);
      it.notification_id = r.get<long long>(1);
      it.device_token = r.get<std::string>(2);
      it.fcm_topic = r.get<std::string>(3);
      it.attempts = r.get<int>(4);
      it.store_id = r.get<std::string>(5);
      it.kind = r.get<std::string>(6);
      it.data_json = r.get<std::string>(7);
      it.lang = r.get<std::string>(8);
      it.member_name = r.get<std::string>(9);
      items.push_back(std::move(it));
    }
  });
  if (!done) return std::unexpected(done.error());
  return items;
}

std::expected<void, core::StoreError> PgOutboxStore::mark_sent(const std::string& store_id, long long id) {
  return session_.run([&](soci::session& sql) {
    sql << "UPDATE outbox SET status = 'sent', sent_at = now(), last_error = NULL WHERE store_id = :s AND id = :id",
        soci::use(store_id), soci::use(id);
  });
}

std::expected<void, core::StoreError> PgOutboxStore::mark_retry(const std::string& store_id, long long id,
                                                                std::chrono::seconds delay, const std::string& error) {
  int delay_s = static_cast<int>(delay.count());
  return session_.run([&](soci::session& sql) {
    sql << "UPDATE outbox SET next_attempt_at = now() + make_interval(secs => :d), last_error = :e "
           "WHERE store_id = :s AND id = :id",
        soci::use(delay_s), soci::use(error), soci::use(store_id), soci::use(id);
  });
}

std::expected<void, core::StoreError> PgOutboxStore::mark_dead(const std::string& store_id, long long id,
                                                               const std::string& error) {
  return session_.run([&](soci::session& sql) {
    sql << "UPDATE outbox SET status = 'dead', last_error = :e WHERE store_id = :s AND id = :id", soci::use(error),
        soci::use(store_id), soci::use(id);
  });
}

std::expected<void, core::StoreError> PgOutboxStore::drop_device(const std::optional<std::string>& store_id,
                                                                 const std::string& token, const std::string& error) {
  return session_.run([&](soci::session& sql) {
    soci::transaction tr(sql);
    if (store_id) {
      sql << "UPDATE outbox SET status = 'dead', last_error = :e "
             "WHERE store_id = :s AND device_token = :t AND status = 'pending'",
          soci::use(error), soci::use(*store_id), soci::use(token);
      sql << "DELETE FROM devices WHERE store_id = :s AND token = :t", soci::use(*store_id), soci::use(token);
    } else {
      // The operator's `device remove`, which names only the token: every
      // store's rows (docs/operations.md, "Distributing by store").
      sql << "UPDATE outbox SET status = 'dead', last_error = :e WHERE device_token = :t AND status = 'pending'",
          soci::use(error), soci::use(token);
      sql << "DELETE FROM devices WHERE token = :t", soci::use(token);
    }
    tr.commit();
  });
}

std::expected<std::vector<core::OutboxRow>, core::StoreError> PgOutboxStore::list(
    const std::optional<std::string>& status, int limit) {
  std::vector<core::OutboxRow> out;
  const std::string only = status.value_or("");
  auto done = session_.run([&](soci::session& sql) {
    soci::rowset<soci::row> rows =
        (sql.prepare
             << "SELECT o.id, o.notification_id, n.kind, o.store_id, o.device_token, o.fcm_topic, o.status, o.attempts, "
                "extract(epoch FROM o.next_attempt_at)::bigint, o.last_error, extract(epoch FROM o.sent_at)::bigint "
                "FROM outbox o JOIN notifications n ON n.store_id = o.store_id AND n.id = o.notification_id "
                "WHERE (:s = '' OR o.status = :s) ORDER BY o.id DESC LIMIT :l",
         soci::use(only, "s"), soci::use(limit, "l"));
    for (const auto& r : rows) {
      auto text = [&](std::size_t i) {
        return r.get_indicator(i) == soci::i_null ? std::nullopt : std::optional(r.get<std::string>(i));
      };
      core::OutboxRow row;
      row.id = r.get<long long>(0);
      row.notification_id = r.get<long long>(1);
      row.kind = r.get<std::string>(2);
      row.store_id = r.get<std::string>(3);
      row.device_token = text(4);
      row.fcm_topic = text(5);
      row.status = r.get<std::string>(6);
      row.attempts = r.get<int>(7);
      row.next_attempt_at = r.get<long long>(8);
      row.last_error = text(9);
      if (r.get_indicator(10) != soci::i_null) row.sent_at = r.get<long long>(10);
      out.push_back(std::move(row));
    }
  });
  if (!done) return std::unexpected(done.error());
  return out;
}

std::expected<bool, core::StoreError> PgOutboxStore::replay(long long id) {
  long long affected = 0;
  auto done = session_.run([&](soci::session& sql) {
    // The operator's `outbox replay ID` names no store: the row of whichever
    // store has this id (docs/operations.md, "Distributing by store").
    soci::statement st = (sql.prepare << "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = now(), "
                                         "last_error = NULL WHERE id = :id AND status = 'dead'",
                          soci::use(id));
    st.execute(true);
    affected = st.get_affected_rows();
  });
  if (!done) return std::unexpected(done.error());
  return affected > 0;
}

}  // namespace setia::adapters::postgres
