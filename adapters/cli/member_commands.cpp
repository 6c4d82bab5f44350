// setiactl member add|show: the Members service over the PostgreSQL store.
#include <cstdio>
#include <memory>

#include "adapters/cli/commands.h"
#include "adapters/postgres/pg_member_store.h"
#include "core/services/members.h"

namespace setia::cli {
namespace {

struct MemberOptions {
  std::string store, name, phone, code;
  std::optional<std::string> email, birth_date;
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

}  // namespace

void add_member_commands(CLI::App& app, Context& ctx) {
  auto* member = app.add_subcommand("member", "members of a store")->require_subcommand(1);
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
}

}  // namespace setia::cli
