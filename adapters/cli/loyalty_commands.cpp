// setiactl's points, rewards and promos commands: the core services over
// the PostgreSQL adapters, with the rule files of the config's rules dir.
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "adapters/cli/commands.h"
#include "adapters/postgres/pg_job_lock.h"
#include "adapters/postgres/pg_member_store.h"
#include "adapters/postgres/pg_offer_store.h"
#include "adapters/postgres/pg_points_store.h"
#include "core/domain/voucher_terms_json.h"
#include "core/pipeline/sale_decoder.h"
#include "core/scheduler/points_expiry_job.h"
#include "core/services/points.h"
#include "core/services/promos.h"
#include "core/services/rewards.h"
#include "rules/loader.h"

namespace setia::cli {

namespace {

using nlohmann::json;

struct LoyaltyOptions {
  std::string store, member, reward, promo, reason, code;
  std::optional<std::string> now;
  int limit = 50;
  std::optional<long long> before;
  long long points = 0;
};

std::expected<core::RulesSource, int> load_rules(const adapters::config::DaemonConfig& cfg) {
  auto book = load_rule_book(cfg.rules.dir);
  if (!book) return std::unexpected(fail("the rule files in " + cfg.rules.dir + " do not load"));
  return core::rules_from(std::make_shared<const rules::RuleBook>(std::move(*book)));
}

// The offer services (rewards, promos) over the store's adapters, with the
// rules in force.
template <typename Service>
struct Offers {
  adapters::postgres::PgOfferStore offers;
  adapters::postgres::PgMemberStore members;
  core::SystemClock clock;
  Service service;
  Offers(const std::string& conninfo, const core::RulesSource& rules)
      : offers(conninfo), members(conninfo), service(offers, members, rules, clock, random64) {}
};

int rewards_list(Context& ctx, const LoyaltyOptions& o) {
  auto rules = load_rules(ctx.config("rewards list"));
  if (!rules) return rules.error();
  Offers<core::Rewards> rewards(ctx.conninfo("rewards list"), *rules);
  auto list = rewards.service.list(o.store);
  if (!list) return fail(list.error().message);
  json out = json::array();
  for (const auto& r : *list) {
    out.push_back({{"id", r.id},
                   {"title", r.title},
                   {"cost", r.cost},
                   {"stock", or_null(r.stock)},
                   {"remaining", or_null(r.remaining)},
                   {"available_from", or_null(r.available_from)},
                   {"available_until", or_null(r.available_until)},
                   {"voucher", r.voucher}});
  }
  std::printf("%s\n", out.dump(2).c_str());
  return 0;
}

int reward_redeem(Context& ctx, const LoyaltyOptions& o) {
  auto rules = load_rules(ctx.config("reward redeem"));
  if (!rules) return rules.error();
  Offers<core::Rewards> rewards(ctx.conninfo("reward redeem"), *rules);
  auto v = rewards.service.redeem(o.member, o.reward);
  if (!v) return fail(v.error().message);
  std::printf("%s\n", v->code.c_str());
  return 0;
}

int promos_list(Context& ctx, const LoyaltyOptions& o) {
  auto rules = load_rules(ctx.config("promos list"));
  if (!rules) return rules.error();
  Offers<core::Promos> promos(ctx.conninfo("promos list"), *rules);
  auto list = !o.store.empty() ? promos.service.active_for_store(o.store) : promos.service.active_for_member(o.member);
  if (!list) return fail(list.error().message);
  json out = json::array();
  for (const auto& p : *list) {
    json j = {{"id", p.id},
              {"title", p.title},
              {"audience", p.audience},
              {"from", p.from},
              {"until", p.until},
              {"per_member", p.per_member},
              {"total", or_null(p.total)},
              {"remaining", or_null(p.remaining)},
              {"voucher", p.voucher}};
    if (p.claimed_by_member) j["claimed_by_member"] = *p.claimed_by_member;
    out.push_back(std::move(j));
  }
  std::printf("%s\n", out.dump(2).c_str());
  return 0;
}

int promo_claim(Context& ctx, const LoyaltyOptions& o) {
  auto rules = load_rules(ctx.config("promo claim"));
  if (!rules) return rules.error();
  Offers<core::Promos> promos(ctx.conninfo("promo claim"), *rules);
  auto v = promos.service.claim(o.member, o.promo);
  if (!v) return fail(v.error().message);
  std::printf("%s\n", v->code.c_str());
  return 0;
}

json entry_json(const core::PointsHistoryItem& item) {
  const auto& e = item.entry;
  json j = {{"id", e.id}, {"kind", e.kind}, {"points", e.points}, {"at", item.at}, {"store", e.store_id}};
  if (e.receipt_no) j["receipt_no"] = *e.receipt_no;
  if (e.ruleset_version) j["ruleset_version"] = *e.ruleset_version;
  if (!e.rule_ids.empty()) j["rule_ids"] = e.rule_ids;
  if (e.reward_id) j["reward_id"] = *e.reward_id;
  if (e.voucher_code) j["voucher_code"] = *e.voucher_code;
  if (e.lot_id) j["lot_id"] = *e.lot_id;
  if (item.expires_at) j["expires_at"] = *item.expires_at;
  if (e.remaining) j["remaining"] = *e.remaining;
  if (e.reason) j["reason"] = *e.reason;
  if (e.actor) j["actor"] = *e.actor;
  return j;
}

int points_expire(Context& ctx, const LoyaltyOptions& o) {
  auto now = std::chrono::system_clock::now();
  if (o.now) {
    auto parsed = core::parse_rfc3339(*o.now);
    if (!parsed) return fail("--now must be RFC 3339 with an offset, e.g. 2021-06-01T00:00:00+07:00", 2);
    now = std::chrono::system_clock::time_point(std::chrono::seconds(*parsed));
  }
  adapters::postgres::PgPointsStore store(ctx.conninfo("points expire"));
  // The job itself, under its advisory lock, so that it never runs beside a daemon's.
  adapters::postgres::PgJobLock lock(ctx.conninfo("points expire"));
  std::optional<core::ExpiryRun> run;
  core::Job job{.name = core::kPointsExpiryJob,
                .every = std::chrono::minutes(10),
                .run = [&](std::chrono::system_clock::time_point at) -> std::expected<std::string, std::string> {
                  auto r = core::expire_points(store, at);
                  if (!r) return std::unexpected(r.error().message);
                  run = *r;
                  return "done";
                }};
  switch (core::run_job_once(job, lock, now)) {
    case core::JobOutcome::ran:
      std::printf("%s\n", json({{"expired_lots", run->lots}, {"expired_points", run->points}}).dump().c_str());
      return 0;
    case core::JobOutcome::busy: return fail("points expiry is running in a daemon right now; nothing done");
    case core::JobOutcome::failed:
    case core::JobOutcome::unavailable: return fail("points expiry failed (see the log above)");
  }
  return 1;
}

int points_show(Context& ctx, const LoyaltyOptions& o) {
  auto rules = load_rules(ctx.config("points show"));
  if (!rules) return rules.error();
  adapters::postgres::PgPointsStore store(ctx.conninfo("points show"));
  core::SystemClock clock;
  core::PointsLedger ledger(store, *rules, clock);
  auto summary = ledger.summary(o.code);
  if (!summary) return fail(summary.error().message);
  auto page = ledger.history(o.code, o.limit, o.before);
  if (!page) return fail(page.error().message);
  json out = {{"member", summary->member_code}, {"store", summary->store_id}, {"balance", summary->balance}};
  out["points_expiring"] =
      summary->expiring ? json{{"points", summary->expiring->points}, {"on", summary->expiring->on}} : json(nullptr);
  out["history"] = json::array();
  for (const auto& item : page->items) out["history"].push_back(entry_json(item));
  out["next_cursor"] = or_null(page->next_cursor);
  std::printf("%s\n", out.dump(2).c_str());
  return 0;
}

int points_adjust(Context& ctx, const LoyaltyOptions& o) {
  auto rules = load_rules(ctx.config("points adjust"));
  if (!rules) return rules.error();
  adapters::postgres::PgPointsStore store(ctx.conninfo("points adjust"));
  core::SystemClock clock;
  core::PointsLedger ledger(store, *rules, clock);
  auto adj = ledger.adjust(o.member, o.points, o.reason, cli_actor());
  if (!adj) return fail(adj.error().message);
  std::printf("%s\n", json({{"adjustment_id", adj->id},
                            {"member", adj->member_code},
                            {"delta", adj->delta},
                            {"before", adj->before},
                            {"after", adj->after},
                            {"actor", cli_actor()}})
                          .dump()
                          .c_str());
  return 0;
}

// Adds `name` under `parent` with a callback that runs `run` with the options.
template <typename Run>
CLI::App* command(CLI::App* parent, const char* name, const char* help, Context& ctx,
                  const std::shared_ptr<LoyaltyOptions>& o, Run run) {
  auto* c = parent->add_subcommand(name, help);
  c->callback([&ctx, o, run] { ctx.exit_code = run(ctx, *o); });
  return c;
}

}  // namespace

void add_loyalty_commands(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<LoyaltyOptions>();
  auto* rewards = app.add_subcommand("rewards", "the reward catalog")->require_subcommand(1);
  command(rewards, "list", "the reward catalog now: cost, stock left, dates, voucher (JSON)", ctx, o, rewards_list)
      ->add_option("--store", o->store, "the store")
      ->required();
  auto* reward = app.add_subcommand("reward", "a reward for points")->require_subcommand(1);
  auto* redeem =
      command(reward, "redeem", "spends the points; prints the voucher code alone on stdout", ctx, o, reward_redeem);
  redeem->add_option("--member", o->member, "the member's code")->required();
  redeem->add_option("--reward", o->reward, "the reward's id in the rule file")->required();

  auto* promos = app.add_subcommand("promos", "promos running now")->require_subcommand(1);
  auto* plist =
      command(promos, "list", "promos running now (for a member: those they may claim), as JSON", ctx, o, promos_list);
  auto* by_store = plist->add_option("--store", o->store, "the store's promos");
  plist->add_option("--member", o->member, "the promos this member may claim")->excludes(by_store);
  plist->require_option(1);
  auto* promo = app.add_subcommand("promo", "a promo's voucher")->require_subcommand(1);
  auto* claim = command(promo, "claim", "prints the claimed voucher code alone on stdout", ctx, o, promo_claim);
  claim->add_option("--member", o->member, "the member's code")->required();
  claim->add_option("--promo", o->promo, "the promo's id in the rule file")->required();

  auto* points = app.add_subcommand("points", "members' points")->require_subcommand(1);
  auto* show = command(points, "show", "balance, what expires next, history newest first (JSON)", ctx, o, points_show);
  show->add_option("code", o->code, "the member's code")->required();
  show->add_option("--limit", o->limit, "history entries")->check(CLI::Range(1, 200))->capture_default_str();
  show->add_option("--before", o->before, "the next_cursor of the page before")->check(CLI::PositiveNumber);
  auto* adjust =
      command(points, "adjust", "add (N > 0) or take (N < 0) points, audited as cli:<user>", ctx, o, points_adjust);
  adjust->add_option("--member", o->member, "the member's code")->required();
  adjust->add_option("--points", o->points, "N, e.g. 50 or -20")->required();
  adjust->add_option("--reason", o->reason, "why, for the audit")->required();
  command(points, "expire", "expire every points lot due by now (the scheduled job, once)", ctx, o, points_expire)
      ->add_option("--now", o->now, "RFC 3339 with an offset instead of now");
}

}  // namespace setia::cli
