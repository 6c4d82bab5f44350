// setiactl's operator commands: the schema, a POS from the command line,
// dead letters, recorded sales, FCM devices and the notification outbox.
#include <unistd.h>

#include <cstdio>
#include <memory>

#include "adapters/cli/commands.h"
#include "adapters/pos/pos_client.h"
#include "adapters/postgres/migrator.h"
#include "adapters/postgres/pg_dead_letter_store.h"
#include "adapters/postgres/pg_device_store.h"
#include "adapters/postgres/pg_member_history.h"
#include "adapters/postgres/pg_member_store.h"
#include "adapters/postgres/pg_outbox_store.h"
#include "adapters/postgres/pg_sale_records.h"
#include "adapters/postgres/pg_session.h"
#include "core/services/store_time_text.h"

namespace setia::cli {
namespace {

using nlohmann::json;

int db_migrate(Context& ctx) {
  auto applied = adapters::postgres::migrate(ctx.conninfo("db migrate"));
  if (!applied) return fail("migration failed: " + applied.error());
  for (int v : *applied) std::printf("applied migration %04d\n", v);
  std::printf("schema at version %d\n", adapters::postgres::required_schema_version());
  return 0;
}

struct PosSendOptions {
  std::string store, file;
  long timeout_ms = 0, deadline_s = 0;
  std::size_t window = 20;
};

int pos_send(Context& ctx, const PosSendOptions& a) {
  auto events = adapters::pos::read_events_jsonl(a.file, a.store);
  if (!events) return fail(events.error());
  adapters::pos::PosOptions o;
  o.mqtt = ctx.config("pos send").mqtt;
  o.mqtt.client_id = "setiactl-pos-" + std::to_string(::getpid());
  if (a.timeout_ms > 0) o.result_timeout = std::chrono::milliseconds(a.timeout_ms);
  if (a.deadline_s > 0) o.deadline = std::chrono::seconds(a.deadline_s);
  o.window = a.window;
  adapters::pos::PosClient pos(o);
  if (auto c = pos.connect(); !c) return fail(c.error());
  auto sum = pos.send(*events);
  std::printf("%s\n", sum.to_json().c_str());
  return sum.unanswered == 0 ? 0 : 1;
}

struct ListOptions {
  std::string store, status;
  int limit = 50;
};

int deadletter_list(Context& ctx, const ListOptions& a) {
  // The same query as the REST API's GET /v1/admin/deadletters.
  adapters::postgres::PgSession session(ctx.conninfo("deadletter list"));
  adapters::postgres::PgDeadLetterStore queries(session);
  auto page = queries.dead_letters(a.store.empty() ? std::nullopt : std::optional(a.store), {.limit = a.limit});
  if (!page) return fail(page.error().message);
  for (const auto& d : page->items) {
    json j = {{"id", d.id},
              {"store", or_null(d.store_id)},
              {"event_id", or_null(d.event_id)},
              {"topic", d.topic},
              {"reason", d.reason},
              {"detail", d.detail},
              {"received_at", core::store_time_text(d.at, nullptr)},
              {"payload", d.payload.substr(0, 2000)}};
    // A payload is bytes as a till sent them: what is not UTF-8 prints as
    // U+FFFD, a NUL as \u0000; the listing never fails on it.
    std::printf("%s\n", j.dump(-1, ' ', false, json::error_handler_t::replace).c_str());
  }
  return 0;
}

// The e-nota record: what the REST API's transaction views read
// (MemberHistory::transaction), found by its receipt.
int sale_show(Context& ctx, const std::string& store, const std::string& receipt) {
  adapters::postgres::PgSession session(ctx.conninfo("sale show"));
  adapters::postgres::PgSaleRecords records(session);
  auto id = records.sale_id(store, receipt);
  if (!id) return fail(id.error().message);
  if (!*id) return fail("no sale " + receipt + " in store " + store);
  adapters::postgres::PgMemberHistory history(session);
  auto t = history.transaction(**id, std::nullopt, store);
  if (!t) return fail(t.error().message);
  if (!*t) return fail("no sale " + receipt + " in store " + store);
  const auto& s = **t;
  json items = json::array();
  for (const auto& l : s.lines) {
    items.push_back({{"name", l.name},
                     {"qty", l.qty},
                     {"unit_price", l.unit_price},
                     {"amount", l.amount},
                     {"sku", l.sku},
                     {"category", l.category}});
  }
  json vouchers = json::array();
  for (const auto& v : s.vouchers) {
    vouchers.push_back(
        {{"code", v.code}, {"redeemed", v.redeemed}, {"discount", v.discount}, {"reason", or_null(v.reason)}});
  }
  json out = {{"store", s.summary.store_id},
              {"receipt_no", s.summary.receipt_no},
              {"occurred_at", core::store_time_text(s.summary.at, nullptr)},
              {"table", or_null(s.table)},
              {"service", or_null(s.service)},
              {"member", or_null(s.member_code)},
              {"customer_name", or_null(s.customer)},
              {"cashier", or_null(s.cashier)},
              {"payment_method", or_null(s.payment_method)},
              {"items", items},
              {"subtotal", s.subtotal},
              {"discount", s.discount},
              {"service_charge", s.service_charge},
              {"tax", s.tax},
              {"total", s.summary.total},
              {"paid", or_null(s.paid)},
              {"change", or_null(s.change)},
              {"vouchers", vouchers},
              {"points_earned", s.summary.points_earned},
              {"points_reversed", s.points_reversed},
              {"refunded", s.refunded}};
  std::printf("%s\n", out.dump(2).c_str());
  return 0;
}

struct DeviceOptions {
  std::string member, token, platform = "android";
};

int device_add(Context& ctx, const DeviceOptions& a) {
  adapters::postgres::PgMemberStore members(ctx.conninfo("device add"));
  auto member = members.find_by_code(a.member);
  if (!member) return fail(member.error().message);
  if (!*member) return fail("no member with code " + a.member);
  adapters::postgres::PgSession session(ctx.conninfo("device add"));
  adapters::postgres::PgDeviceStore devices(session);
  // An operator's registration moves nothing either, and stays within the
  // members' own limit.
  const int max_devices = ctx.config("device add").rest.max_devices_per_member;
  auto added = devices.add_device((*member)->store_id, (*member)->id, a.token, a.platform, max_devices);
  if (!added) return fail(added.error().message);
  using Added = core::DeviceStore::AddDevice;
  if (*added == Added::held_by_another) {
    return fail("the token belongs to another member's device: `setiactl device remove` it first");
  }
  if (*added == Added::too_many) {
    return fail("member " + a.member + " has " + std::to_string(max_devices) +
                " devices already (rest.max_devices_per_member): remove one first");
  }
  return 0;
}

int device_remove(Context& ctx, const std::string& token) {
  // As when FCM says the token is dead: its pending deliveries end too. The
  // command names only the token: in whichever store holds it.
  adapters::postgres::PgOutboxStore outbox(ctx.conninfo("device remove"));
  auto done = outbox.drop_device(std::nullopt, token, "device removed by an operator (setiactl device remove)");
  if (!done) return fail(done.error().message);
  return 0;
}

int outbox_list(Context& ctx, const ListOptions& a) {
  adapters::postgres::PgOutboxStore outbox(ctx.conninfo("outbox list"));
  auto rows = outbox.list(a.status.empty() ? std::nullopt : std::optional(a.status), a.limit);
  if (!rows) return fail(rows.error().message);
  auto when = [](const std::optional<std::int64_t>& t) {
    return t ? json(core::store_time_text(*t, nullptr)) : json(nullptr);
  };
  for (const auto& r : *rows) {
    json j = {{"id", r.id},
              {"notification", r.notification_id},
              {"kind", r.kind},
              {"store", r.store_id},
              {"device_token", or_null(r.device_token)},
              {"topic", or_null(r.fcm_topic)},
              {"status", r.status},
              {"attempts", r.attempts},
              {"next_attempt_at", when(r.next_attempt_at)},
              {"last_error", or_null(r.last_error)},
              {"sent_at", when(r.sent_at)}};
    std::printf("%s\n", j.dump().c_str());
  }
  return 0;
}

int outbox_replay(Context& ctx, long long id) {
  adapters::postgres::PgOutboxStore outbox(ctx.conninfo("outbox replay"));
  auto replayed = outbox.replay(id);
  if (!replayed) return fail(replayed.error().message);
  if (!*replayed) return fail("no dead outbox row " + std::to_string(id));
  std::printf("outbox row %lld is pending again\n", id);
  return 0;
}

}  // namespace

void add_ops_commands(CLI::App& app, Context& ctx) {
  auto* db = app.add_subcommand("db", "the database schema")->require_subcommand(1);
  db->add_subcommand("migrate", "apply the missing schema migrations")->callback([&ctx] {
    ctx.exit_code = db_migrate(ctx);
  });

  auto* pos = app.add_subcommand("pos", "a POS from the command line")->require_subcommand(1);
  auto ps = std::make_shared<PosSendOptions>();
  auto* send = pos->add_subcommand("send",
                                   "publish each sale of FILE.jsonl, wait for each result, republish with backoff "
                                   "when none comes in time; prints a JSON summary");
  send->add_option("--store", ps->store, "the store the sales are for")->required();
  send->add_option("file", ps->file, "one sale (or refund) JSON per line")->required();
  send->add_option("--timeout-ms", ps->timeout_ms, "first republish after this long without a result")
      ->check(CLI::Range(1L, 3600000L));
  send->add_option("--window", ps->window, "sales in flight at once; 0 publishes all at once")
      ->check(CLI::Range(std::size_t{0}, std::size_t{100000}))
      ->capture_default_str();
  send->add_option("--deadline-s", ps->deadline_s, "give up on what is unanswered after this long")
      ->check(CLI::Range(1L, 86400L));
  send->callback([&ctx, ps] { ctx.exit_code = pos_send(ctx, *ps); });

  auto* dl = app.add_subcommand("deadletter", "rejected messages")->require_subcommand(1);
  auto dlo = std::make_shared<ListOptions>();
  auto* dl_list = dl->add_subcommand("list", "rejected messages, newest first, as JSON lines");
  dl_list->add_option("--store", dlo->store, "only this store's");
  dl_list->add_option("--limit", dlo->limit, "how many")->check(CLI::Range(1, 1000))->capture_default_str();
  dl_list->callback([&ctx, dlo] { ctx.exit_code = deadletter_list(ctx, *dlo); });

  auto* sale = app.add_subcommand("sale", "recorded sales")->require_subcommand(1);
  auto so = std::make_shared<std::pair<std::string, std::string>>();
  auto* show = sale->add_subcommand("show", "the recorded sale (the e-nota record) as JSON");
  show->add_option("--store", so->first, "the store")->required();
  show->add_option("--receipt", so->second, "the POS's receipt number")->required();
  show->callback([&ctx, so] { ctx.exit_code = sale_show(ctx, so->first, so->second); });

  auto* device = app.add_subcommand("device", "members' FCM device tokens")->require_subcommand(1);
  auto dv = std::make_shared<DeviceOptions>();
  auto* add = device->add_subcommand("add", "register a member's device token (it moves from any other member)");
  add->add_option("--member", dv->member, "the member's code")->required();
  add->add_option("--token", dv->token, "the FCM registration token")->required();
  add->add_option("--platform", dv->platform, "the phone's platform")
      ->check(CLI::IsMember({"android", "ios", "web"}))
      ->capture_default_str();
  add->callback([&ctx, dv] { ctx.exit_code = device_add(ctx, *dv); });
  auto* remove = device->add_subcommand("remove", "drop a device token");
  remove->add_option("--token", dv->token, "the FCM registration token")->required();
  remove->callback([&ctx, dv] { ctx.exit_code = device_remove(ctx, dv->token); });

  auto* outbox = app.add_subcommand("outbox", "deliveries of notifications")->require_subcommand(1);
  auto ol = std::make_shared<ListOptions>();
  auto* list = outbox->add_subcommand("list", "deliveries, newest first, as JSON lines");
  list->add_option("--status", ol->status, "only these")->check(CLI::IsMember({"pending", "sent", "dead"}));
  list->add_option("--limit", ol->limit, "how many")->check(CLI::Range(1, 1000))->capture_default_str();
  list->callback([&ctx, ol] { ctx.exit_code = outbox_list(ctx, *ol); });
  auto replay_id = std::make_shared<long long>(0);
  auto* replay = outbox->add_subcommand("replay", "send a dead delivery again (attempts start over)");
  replay->add_option("id", *replay_id, "the outbox row's id")->required()->check(CLI::PositiveNumber);
  replay->callback([&ctx, replay_id] { ctx.exit_code = outbox_replay(ctx, *replay_id); });
}

}  // namespace setia::cli
