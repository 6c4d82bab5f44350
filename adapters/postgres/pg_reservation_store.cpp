#include "adapters/postgres/pg_reservation_store.h"

#include <soci/postgresql/soci-postgresql.h>
#include <nlohmann/json.hpp>

#include "adapters/postgres/pg_rows.h"
#include "rules/reservation_slots.h"

namespace setia::adapters::postgres {
const char* const kReservationColumns =
    "r.id, r.store_id, coalesce(r.member_id, 0) AS member_id, m.code AS member_code, m.name AS member_name, "
    "r.guest_name, r.guest_phone, r.party, "
    "extract(epoch FROM r.starts_at)::bigint AS starts_at, extract(epoch FROM r.ends_at)::bigint AS ends_at, "
    "extract(epoch FROM r.created_at)::bigint AS created_at, to_char(r.local_date, 'YYYY-MM-DD') AS date, "
    "r.local_time AS time, r.note, r.status";
// A guest's booking (migration 0023) has no member.
const char* const kReservationFrom =
    " FROM reservations r LEFT JOIN members m ON m.store_id = r.store_id AND m.id = r.member_id ";

core::Reservation reservation_from_json(const nlohmann::json& j) {
  core::Reservation r;
  r.id = j["id"];
  r.store_id = j["store_id"];
  r.member_id = j["member_id"];
  if (j["member_code"].is_string()) r.member_code = j["member_code"];
  if (j["member_name"].is_string()) r.member_name = j["member_name"];
  if (j["guest_name"].is_string()) r.guest_name = j["guest_name"].get<std::string>();
  if (j["guest_phone"].is_string()) r.guest_phone = j["guest_phone"].get<std::string>();
  r.party = j["party"];
  r.starts_at = j["starts_at"];
  r.ends_at = j["ends_at"];
  r.created_at = j["created_at"];
  r.date = j["date"];
  r.time = j["time"];
  if (j["note"].is_string()) r.note = j["note"].get<std::string>();
  r.status = j["status"];
  return r;
}

namespace {

// The advisory lock class of reservations ("SETR"), apart from the
// scheduler's jobs (0x53455449, "SETI"); the key is the store.
constexpr long long kReservationLockClass = 0x53455452;

std::vector<core::Reservation> list_of(const nlohmann::json& rows) {
  std::vector<core::Reservation> out;
  for (const auto& j : rows) out.push_back(reservation_from_json(j));
  return out;
}

// Reservation `id` of `store`; without a store (an operator's scope, every
// store) by its id alone.
std::optional<core::Reservation> read_one(soci::session& sql, const std::optional<std::string>& store, long long id) {
  const std::string select = std::string("SELECT ") + kReservationColumns + kReservationFrom;
  long long rid = id;
  std::string s = store.value_or("");
  auto rows = store ? json_rows(sql, select + "WHERE r.store_id = :s AND r.id = :id", "t.id", s, rid)
                    : json_rows(sql, select + "WHERE r.id = :id", "t.id", rid);
  if (rows.empty()) return std::nullopt;
  return reservation_from_json(rows[0]);
}

// No names: the admins' pushes go to an FCM topic, and whoever may
// subscribe to it should not learn who visits when. The admin app reads
// the reservation itself.
std::string notification_data(const core::Reservation& r) {
  return nlohmann::json{
      {"reservation_id", r.id}, {"status", r.status}, {"date", r.date}, {"time", r.time}, {"party", r.party}}
      .dump();
}

std::vector<domain::Booked> held_in(soci::session& sql, const std::string& store, long long from, long long to) {
  std::vector<domain::Booked> out;
  std::string s = store;
  auto rows = json_rows(sql,
                        "SELECT extract(epoch FROM starts_at)::bigint AS s, extract(epoch FROM ends_at)::bigint AS e, "
                        "party FROM reservations WHERE store_id = :st AND status <> 'cancelled' "
                        "AND starts_at < to_timestamp(:to) AND ends_at > to_timestamp(:fr)",
                        "t.s", s, to, from);
  for (const auto& j : rows)
    out.push_back({j["s"].get<std::int64_t>(), j["e"].get<std::int64_t>(), j["party"].get<int>()});
  return out;
}

}  // namespace

std::expected<std::vector<domain::Booked>, core::StoreError> PgReservationStore::held(const std::string& store,
                                                                                      std::int64_t from,
                                                                                      std::int64_t to) {
  std::vector<domain::Booked> out;
  auto done = session_.run([&](soci::session& sql) { out = held_in(sql, store, from, to); });
  if (!done) return std::unexpected(done.error());
  return out;
}

std::expected<core::ReservationStore::Booking, core::StoreError> PgReservationStore::book(
    const core::NewReservation& r, int seats, int max_open_per_member, int max_seats_per_member_day, std::int64_t now,
    bool notify_admins) {
  Booking out;
  auto done = session_.run([&](soci::session& sql) {
    out = {};
    soci::transaction tr(sql);
    long long lock_class = kReservationLockClass;
    std::string store = r.store_id;
    // One booking per store at a time: the seats read below cannot change
    // before this transaction inserts or gives up. The read needs a fresh
    // snapshot after the lock: READ COMMITTED (PostgreSQL's default, which
    // Setia never changes) gives each statement its own.
    sql << "SELECT pg_advisory_xact_lock(CAST(:c AS int), hashtext(:s))", soci::use(lock_class), soci::use(store);
    long long member = r.member_id, starts = r.starts_at, ends = r.ends_at, id = 0, at = now;
    // One member cannot hold every table of the horizon, nor the tables of
    // one day: their open bookings, and the seats of those on this day, in
    // one read (a guest the shop books for is nobody's to count). A member
    // is in one store, so the store's lock also orders the member's bookings.
    int open = 0;
    int seated = 0;
    std::string day = r.date;
    if (member != 0) {
      sql << "SELECT count(*) FILTER (WHERE ends_at > to_timestamp(:now)), "
             "coalesce(sum(party) FILTER (WHERE local_date = CAST(:d AS date)), 0) "
             "FROM reservations WHERE store_id = :s AND member_id = :m AND status IN ('pending', 'confirmed')",
          soci::use(at), soci::use(day), soci::use(store), soci::use(member), soci::into(open), soci::into(seated);
    }
    if (open >= max_open_per_member) {
      out.refused = Booking::Refused::member_limit;
      return;  // rolled back
    }
    if (member != 0 && seated + r.party > max_seats_per_member_day) {
      out.refused = Booking::Refused::member_day_seats;
      return;  // rolled back
    }
    const auto held = held_in(sql, r.store_id, r.starts_at, r.ends_at);
    if (rules::peak_seats(held, r.starts_at, r.ends_at) + r.party > seats) {
      out.refused = Booking::Refused::full;
      return;  // rolled back
    }
    int party = r.party;
    std::string date = r.date, time = r.time, note = r.note.value_or("");
    soci::indicator note_ind = r.note ? soci::i_ok : soci::i_null;
    soci::indicator member_ind = member != 0 ? soci::i_ok : soci::i_null;
    std::string guest = r.guest_name.value_or(""), phone = r.guest_phone.value_or("");
    soci::indicator guest_ind = r.guest_name ? soci::i_ok : soci::i_null;
    soci::indicator phone_ind = r.guest_phone ? soci::i_ok : soci::i_null;
    sql << "INSERT INTO reservations (store_id, member_id, guest_name, guest_phone, party, starts_at, ends_at, "
           "local_date, local_time, note) "
           "VALUES (:s, :m, :g, :gp, :p, to_timestamp(:a), to_timestamp(:e), CAST(:d AS date), :t, :n) RETURNING id",
        soci::use(store), soci::use(member, member_ind), soci::use(guest, guest_ind), soci::use(phone, phone_ind),
        soci::use(party), soci::use(starts), soci::use(ends), soci::use(date), soci::use(time),
        soci::use(note, note_ind), soci::into(id);
    out.reservation = read_one(sql, store, id);
    if (notify_admins && out.reservation) {
      std::string data = notification_data(*out.reservation), dedupe = "reservation:" + std::to_string(id) + ":new";
      sql << "SELECT setia_notify_admins(:s, 'new_reservation', CAST(:j AS jsonb), :k)", soci::use(store),
          soci::use(data), soci::use(dedupe);
    }
    tr.commit();
  });
  if (!done) return std::unexpected(done.error());
  return out;
}

std::expected<std::optional<core::Reservation>, core::StoreError> PgReservationStore::find(
    const std::optional<std::string>& store, long long id) {
  std::optional<core::Reservation> out;
  auto done = session_.run([&](soci::session& sql) { out = read_one(sql, store, id); });
  if (!done) return std::unexpected(done.error());
  return out;
}

std::expected<core::Page<core::Reservation>, core::StoreError> PgReservationStore::of_member(const std::string& store,
                                                                                             long long member_id,
                                                                                             core::PageRequest page) {
  std::vector<core::Reservation> rows;
  std::string s = store;
  int has = page.after ? 1 : 0, fetch = page.limit + 1;
  long long a = page.after ? page.after->a : 0, b = page.after ? page.after->b : 0;
  auto done = session_.run([&](soci::session& sql) {
    rows = list_of(json_rows(sql,
                             std::string("SELECT ") + kReservationColumns + kReservationFrom +
                                 "WHERE r.store_id = :s AND r.member_id = :m AND (:has = 0 OR "
                                 "(extract(epoch FROM r.starts_at)::bigint, r.id) < (:a, :b)) "
                                 "ORDER BY r.starts_at DESC, r.id DESC LIMIT :lim",
                             "t.starts_at DESC, t.id DESC", s, member_id, has, a, b, fetch));
  });
  if (!done) return std::unexpected(done.error());
  return page_of(std::move(rows), page.limit, [](const core::Reservation& r) {
    return core::Cursor{r.starts_at, r.id};
  });
}

std::expected<std::vector<core::Reservation>, core::StoreError> PgReservationStore::on_day(const std::string& store,
                                                                                           const std::string& date) {
  std::vector<core::Reservation> out;
  std::string s = store, d = date;
  auto done = session_.run([&](soci::session& sql) {
    out = list_of(json_rows(sql,
                            std::string("SELECT ") + kReservationColumns + kReservationFrom +
                                "WHERE r.store_id = :s AND r.local_date = CAST(:d AS date)",
                            "t.starts_at, t.id", s, d));
  });
  if (!done) return std::unexpected(done.error());
  return out;
}

std::expected<std::optional<core::Reservation>, core::StoreError> PgReservationStore::set_status(
    const std::string& store_id, long long id, const std::string& status, bool notify_member, bool notify_admins) {
  std::optional<core::Reservation> out;
  auto done = session_.run([&](soci::session& sql) {
    out.reset();
    soci::transaction tr(sql);
    std::string st = status, in_store = store_id;
    long long rid = id;
    // Never out of 'cancelled' (its seats may be taken since), and only a
    // real change tells anyone: a member cancelling while an admin confirms
    // leaves it cancelled, whichever comes second.
    long long changed_id = 0;
    soci::indicator changed_ind = soci::i_null;
    sql << "UPDATE reservations SET status = :st, updated_at = now() "
           "WHERE store_id = :s AND id = :id AND status <> 'cancelled' AND status <> :st2 RETURNING id",
        soci::use(st), soci::use(in_store), soci::use(rid), soci::use(st), soci::into(changed_id, changed_ind);
    const bool changed = sql.got_data() && changed_ind == soci::i_ok;
    out = read_one(sql, in_store, id);
    if (!out || !changed) {
      tr.commit();
      return;
    }
    std::string store = out->store_id, data = notification_data(*out);
    // One notification per change of status: a repeated request changes
    // nothing and tells nobody twice.
    std::string dedupe = "reservation:" + std::to_string(id) + ":" + status;
    if (notify_member && out->member_id != 0) {
      long long member = out->member_id;
      sql << "SELECT setia_notify_member(:s, :m, 'reservation', CAST(:j AS jsonb), :k)", soci::use(store),
          soci::use(member), soci::use(data), soci::use(dedupe);
    }
    if (notify_admins) {
      std::string admins = dedupe + ":admins";
      sql << "SELECT setia_notify_admins(:s, 'reservation_cancelled', CAST(:j AS jsonb), :k)", soci::use(store),
          soci::use(data), soci::use(admins);
    }
    tr.commit();
  });
  if (!done) return std::unexpected(done.error());
  return out;
}

}  // namespace setia::adapters::postgres
