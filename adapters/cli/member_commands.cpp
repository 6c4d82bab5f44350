// setiactl member add|show: the Members service over the PostgreSQL store;
// member export|erase|consents: a member's data rights (docs/privacy.md),
// the services the REST API uses.
#include <cstdio>
#include <memory>

#include "adapters/cli/commands.h"
#include "adapters/postgres/pg_consent_store.h"
#include "adapters/postgres/pg_member_data_store.h"
#include "adapters/postgres/pg_member_store.h"
#include "adapters/postgres/pg_profile_store.h"
#include "adapters/postgres/pg_session.h"
#include "core/services/consents.h"
#include "core/services/data_rights.h"
#include "core/services/member_json.h"
#include "core/services/members.h"

namespace setia::cli {
namespace {

struct MemberOptions {
  std::string store, name, phone, code, reason;
  std::optional<std::string> email, birth_date, withdraw, note;
};

nlohmann::json member_json(const domain::Member& m) {
  return {{"code", m.code},
          {"store", m.store_id},
          {"name", m.name},
          {"phone", m.phone},
          {"points", m.points},
          {"created_at", m.created_at},
          {"email", or_null(m.email)},
          {"birth_date", or_null(m.birth_date)}};
}

int member_add(Context& ctx, const MemberOptions& a) {
  adapters::postgres::PgMemberStore store(ctx.conninfo("member add"));
  core::Members members(store, random64);
  auto m = members.add({a.store, a.name, a.phone, a.email, a.birth_date});
  if (!m) return fail(m.error().message);
  std::printf("%s\n", m->code.c_str());
  return 0;
}

int member_show(Context& ctx, const std::string& code) {
  adapters::postgres::PgMemberStore store(ctx.conninfo("member show"));
  core::Members members(store, random64);
  auto m = members.find(code);
  if (!m) return fail(m.error().message);
  if (!*m) return fail("no member with code " + code);
  std::printf("%s\n", member_json(**m).dump(2).c_str());
  return 0;
}

// The data-rights services over one database session, with the rules in
// force when they load (the times in the stores' zones; a booking an
// erasure cancels tells the admins as the rules say), else none (UTC).
struct Rights {
  explicit Rights(Context& ctx, const std::string& command)
      : session(ctx.conninfo(command)),
        data(session),
        profiles(session),
        consent_store(session),
        members_store(ctx.conninfo(command)),
        book(load_book(ctx.config(command))),
        rights(data, profiles, core::rules_from(book), clock),
        consents(consent_store),
        members(members_store, random64) {}

  static std::shared_ptr<const rules::RuleBook> load_book(const adapters::config::DaemonConfig& cfg) {
    auto b = load_rule_book(cfg.rules.dir);
    if (!b) {
      std::fprintf(stderr, "setiactl: the rule files in %s do not load: times are in UTC\n", cfg.rules.dir.c_str());
      return nullptr;
    }
    return std::make_shared<const rules::RuleBook>(std::move(*b));
  }

  // The live member with this code.
  std::expected<domain::Member, int> member(const std::string& code) {
    auto m = members.find(code);
    if (!m) return std::unexpected(fail(m.error().message));
    if (!*m) return std::unexpected(fail("no member with code " + code));
    return **m;
  }

  adapters::postgres::PgSession session;
  adapters::postgres::PgMemberDataStore data;
  adapters::postgres::PgProfileStore profiles;
  adapters::postgres::PgConsentStore consent_store;
  adapters::postgres::PgMemberStore members_store;
  core::SystemClock clock;
  std::shared_ptr<const rules::RuleBook> book;
  core::DataRights rights;
  core::Consents consents;
  core::Members members;
};

int member_export(Context& ctx, const std::string& code) {
  Rights r(ctx, "member export");
  auto m = r.member(code);
  if (!m) return m.error();
  auto doc = r.rights.export_member(m->store_id, m->id, ctx.config("member export").rest.public_url);
  if (!doc) return fail(doc.error().message);
  std::printf("%s\n", doc->dump(2).c_str());
  return 0;
}

int member_erase(Context& ctx, const MemberOptions& o) {
  Rights r(ctx, "member erase");
  // The store first, when the code is a live member's: a booking the
  // erasure cancels tells that store's admins. A code erased before finds
  // no member here; the erasure answers with its record.
  std::optional<std::string> store;
  if (auto m = r.members.find(o.code); m && *m) store = (*m)->store_id;
  auto e = r.rights.erase(store, o.code, cli_actor(), o.reason);
  if (!e) return fail(e.error().message);
  std::printf("%s\n", core::erasure_json(*e, r.book.get()).dump(2).c_str());
  return 0;
}

int member_consents(Context& ctx, const MemberOptions& o) {
  Rights r(ctx, "member consents");
  auto m = r.member(o.code);
  if (!m) return m.error();
  auto v = o.withdraw ? r.consents.record(m->store_id, m->id, {{*o.withdraw, false}},
                                          {.source = "setiactl",
                                           .address = std::nullopt,
                                           .actor = cli_actor(),
                                           .notice = std::nullopt,
                                           .note = o.note})
                      : r.consents.view(m->store_id, m->id);
  if (!v) return fail(v.error().message);
  std::printf("%s\n", core::consent_view_json(*v, m->store_id, r.book.get()).dump(2).c_str());
  return 0;
}

}  // namespace

void add_member_commands(CLI::App& app, Context& ctx) {
  auto* member = app.add_subcommand("member", "members of a store and their data rights")->require_subcommand(1);
  auto o = std::make_shared<MemberOptions>();
  auto* add = member->add_subcommand("add", "a new member; prints the member code alone on stdout");
  add->add_option("--store", o->store, "the member's store")->required();
  add->add_option("--name", o->name, "the member's name")->required();
  add->add_option("--phone", o->phone, "the member's phone number")->required();
  add->add_option("--email", o->email, "the member's e-mail address");
  add->add_option("--birth-date", o->birth_date, "YYYY-MM-DD, from 1900-01-01 to today");
  add->callback([&ctx, o] { ctx.exit_code = member_add(ctx, *o); });
  auto* show = member->add_subcommand("show", "the member as JSON");
  show->add_option("code", o->code, "the member's code")->required();
  show->callback([&ctx, o] { ctx.exit_code = member_show(ctx, o->code); });
  auto* exp = member->add_subcommand("export", "everything Setia keeps about the member, as JSON (docs/privacy.md)");
  exp->add_option("code", o->code, "the member's code")->required();
  exp->callback([&ctx, o] { ctx.exit_code = member_export(ctx, o->code); });
  auto* erase = member->add_subcommand(
      "erase", "erase the member at their request: personal data gone, the books kept (docs/privacy.md)");
  erase->add_option("code", o->code, "the member's code (or id)")->required();
  erase->add_option("--reason", o->reason, "why, for the record: a ticket, \"asked at the counter\"; no names")
      ->required();
  erase->callback([&ctx, o] { ctx.exit_code = member_erase(ctx, *o); });
  auto* consents =
      member->add_subcommand("consents", "the member's marketing consents; --withdraw records a withdrawal");
  consents->add_option("code", o->code, "the member's code")->required();
  consents->add_option("--withdraw", o->withdraw, "a channel the member withdraws from, e.g. push_promo");
  consents->add_option("--note", o->note, "how the member asked (by phone, at the counter)");
  consents->callback([&ctx, o] { ctx.exit_code = member_consents(ctx, *o); });
}

}  // namespace setia::cli
