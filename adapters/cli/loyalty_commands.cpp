// setiactl's points, rewards and promos commands: the core services over
// the PostgreSQL adapters, with the rule files of the config's rules dir.
#include "adapters/cli/loyalty_commands.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <random>

#include <nlohmann/json.hpp>

#include "adapters/postgres/pg_job_lock.h"
#include "adapters/postgres/pg_member_store.h"
#include "adapters/postgres/pg_offer_store.h"
#include "adapters/postgres/pg_points_store.h"
#include "adapters/postgres/pg_session.h"
#include "core/domain/voucher_terms_json.h"
#include "core/pipeline/sale_decoder.h"
#include "core/scheduler/points_expiry_job.h"
#include "core/services/points.h"
#include "core/services/promos.h"
#include "core/services/rewards.h"
#include "rules/loader.h"

namespace setia::cli {

namespace {

using Opts = std::map<std::string, std::string>;
using nlohmann::json;

int fail(const std::string& msg, int code = 1) {
  std::fprintf(stderr, "setiactl: %s\n", msg.c_str());
  return code;
}

std::optional<std::string> opt(const Opts& o, const std::string& k) {
  auto it = o.find(k);
  return it == o.end() ? std::nullopt : std::optional(it->second);
}

std::optional<std::string> unknown_option(const Opts& o, std::initializer_list<std::string> allowed) {
  for (const auto& [k, v] : o) {
    if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) return "unknown option --" + k;
  }
  return std::nullopt;
}

// "Now", or an instant given on the command line (points expire --now).
class FixedClock final : public core::Clock {
 public:
  explicit FixedClock(std::chrono::system_clock::time_point t) : t_(t) {}
  std::chrono::system_clock::time_point now() const override { return t_; }

 private:
  std::chrono::system_clock::time_point t_;
};

std::string conninfo(const adapters::config::DaemonConfig& c) {
  return adapters::postgres::conninfo_with_password(c.database.conninfo, c.database.password_file);
}

std::uint64_t random64() {
  static std::random_device rd;
  return (std::uint64_t{rd()} << 32) ^ rd();
}

// Who runs this command, for the adjustment audit: the person behind sudo
// when there is one.
std::string actor() {
  if (const char* s = std::getenv("SUDO_USER"); s && *s) return std::string("cli:") + s;
  if (const passwd* pw = ::getpwuid(::geteuid())) return std::string("cli:") + pw->pw_name;
  return "cli:uid" + std::to_string(::geteuid());
}

std::expected<core::RulesSource, int> load_rules(const adapters::config::DaemonConfig& cfg) {
  auto book = rules::load_rule_dir(cfg.rules.dir);
  if (!book) {
    for (const auto& e : book.error()) std::fprintf(stderr, "%s\n", e.to_string().c_str());
    return std::unexpected(fail("the rule files in " + cfg.rules.dir + " do not load"));
  }
  return core::rules_from(std::make_shared<const rules::RuleBook>(std::move(*book)));
}

template <typename T>
json or_null(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

int rewards_list(const adapters::config::DaemonConfig& cfg, const Opts& o) {
  if (auto bad = unknown_option(o, {"store"})) return fail(*bad, 2);
  if (!opt(o, "store")) return fail("usage: rewards list --store S", 2);
  auto rules = load_rules(cfg);
  if (!rules) return rules.error();
  adapters::postgres::PgOfferStore offers(conninfo(cfg));
  adapters::postgres::PgMemberStore members(conninfo(cfg));
  core::SystemClock clock;
  core::Rewards rewards(offers, members, *rules, clock, random64);
  auto list = rewards.list(*opt(o, "store"));
  if (!list) return fail(list.error().message);
  json out = json::array();
  for (const auto& r : *list) {
    out.push_back({{"id", r.id}, {"title", r.title}, {"cost", r.cost}, {"stock", or_null(r.stock)},
                   {"remaining", or_null(r.remaining)}, {"available_from", or_null(r.available_from)},
                   {"available_until", or_null(r.available_until)}, {"voucher", r.voucher}});
  }
  std::printf("%s\n", out.dump(2).c_str());
  return 0;
}

int reward_redeem(const adapters::config::DaemonConfig& cfg, const Opts& o) {
  if (auto bad = unknown_option(o, {"member", "reward"})) return fail(*bad, 2);
  if (!opt(o, "member") || !opt(o, "reward")) return fail("usage: reward redeem --member CODE --reward ID", 2);
  auto rules = load_rules(cfg);
  if (!rules) return rules.error();
  adapters::postgres::PgOfferStore offers(conninfo(cfg));
  adapters::postgres::PgMemberStore members(conninfo(cfg));
  core::SystemClock clock;
  core::Rewards rewards(offers, members, *rules, clock, random64);
  auto v = rewards.redeem(*opt(o, "member"), *opt(o, "reward"));
  if (!v) return fail(v.error().message);
  std::printf("%s\n", v->code.c_str());
  return 0;
}

int promos_list(const adapters::config::DaemonConfig& cfg, const Opts& o) {
  if (auto bad = unknown_option(o, {"store", "member"})) return fail(*bad, 2);
  if (!!opt(o, "store") == !!opt(o, "member")) return fail("usage: promos list (--store S | --member CODE)", 2);
  auto rules = load_rules(cfg);
  if (!rules) return rules.error();
  adapters::postgres::PgOfferStore offers(conninfo(cfg));
  adapters::postgres::PgMemberStore members(conninfo(cfg));
  core::SystemClock clock;
  core::Promos promos(offers, members, *rules, clock, random64);
  auto list = opt(o, "store") ? promos.active_for_store(*opt(o, "store")) : promos.active_for_member(*opt(o, "member"));
  if (!list) return fail(list.error().message);
  json out = json::array();
  for (const auto& p : *list) {
    json j = {{"id", p.id}, {"title", p.title}, {"audience", p.audience}, {"from", p.from}, {"until", p.until},
              {"per_member", p.per_member}, {"total", or_null(p.total)}, {"remaining", or_null(p.remaining)},
              {"voucher", p.voucher}};
    if (p.claimed_by_member) j["claimed_by_member"] = *p.claimed_by_member;
    out.push_back(std::move(j));
  }
  std::printf("%s\n", out.dump(2).c_str());
  return 0;
}

int promo_claim(const adapters::config::DaemonConfig& cfg, const Opts& o) {
  if (auto bad = unknown_option(o, {"member", "promo"})) return fail(*bad, 2);
  if (!opt(o, "member") || !opt(o, "promo")) return fail("usage: promo claim --member CODE --promo ID", 2);
  auto rules = load_rules(cfg);
  if (!rules) return rules.error();
  adapters::postgres::PgOfferStore offers(conninfo(cfg));
  adapters::postgres::PgMemberStore members(conninfo(cfg));
  core::SystemClock clock;
  core::Promos promos(offers, members, *rules, clock, random64);
  auto v = promos.claim(*opt(o, "member"), *opt(o, "promo"));
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

int points_cmd(const adapters::config::DaemonConfig& cfg, const std::vector<std::string>& words, const Opts& o) {
  const std::string sub = words.size() > 1 ? words[1] : "";
  adapters::postgres::PgPointsStore store(conninfo(cfg));
  if (sub == "expire" && words.size() == 2) {
    if (auto bad = unknown_option(o, {"now"})) return fail(*bad, 2);
    auto now = std::chrono::system_clock::now();
    if (auto t = opt(o, "now")) {
      auto parsed = core::parse_rfc3339(*t);
      if (!parsed) return fail("--now must be RFC 3339 with an offset, e.g. 2021-06-01T00:00:00+07:00", 2);
      now = std::chrono::system_clock::time_point(std::chrono::seconds(*parsed));
    }
    // The job itself, under its advisory lock, so that it never runs beside a daemon's.
    adapters::postgres::PgJobLock lock(conninfo(cfg));
    std::optional<core::ExpiryRun> run;
    core::Job job{.name = core::kPointsExpiryJob, .every = std::chrono::minutes(10),
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
      case core::JobOutcome::busy:
        return fail("points expiry is running in a daemon right now; nothing done");
      case core::JobOutcome::failed:
      case core::JobOutcome::unavailable:
        return fail("points expiry failed (see the log above)");
    }
    return 1;
  }
  auto rules = load_rules(cfg);
  if (!rules) return rules.error();
  core::SystemClock clock;
  core::PointsLedger ledger(store, *rules, clock);
  if (sub == "show" && words.size() == 3) {
    if (auto bad = unknown_option(o, {"limit", "before"})) return fail(*bad, 2);
    int limit = 50;
    std::optional<long long> before;
    try {
      if (auto v = opt(o, "limit")) limit = std::stoi(*v);
      if (auto v = opt(o, "before")) before = std::stoll(*v);
    } catch (const std::exception&) {
      return fail("--limit and --before take whole numbers", 2);
    }
    auto summary = ledger.summary(words[2]);
    if (!summary) return fail(summary.error().message);
    auto page = ledger.history(words[2], limit, before);
    if (!page) return fail(page.error().message);
    json out = {{"member", summary->member_code}, {"store", summary->store_id}, {"balance", summary->balance}};
    out["points_expiring"] = summary->expiring ? json{{"points", summary->expiring->points}, {"on", summary->expiring->on}}
                                               : json(nullptr);
    out["history"] = json::array();
    for (const auto& item : page->items) out["history"].push_back(entry_json(item));
    out["next_cursor"] = or_null(page->next_cursor);
    std::printf("%s\n", out.dump(2).c_str());
    return 0;
  }
  if (sub == "adjust" && words.size() == 2) {
    if (auto bad = unknown_option(o, {"member", "points", "reason"})) return fail(*bad, 2);
    if (!opt(o, "member") || !opt(o, "points") || !opt(o, "reason")) {
      return fail("usage: points adjust --member CODE --points N --reason TEXT", 2);
    }
    long long delta = 0;
    try {
      std::size_t used = 0;
      delta = std::stoll(*opt(o, "points"), &used);
      if (used != opt(o, "points")->size()) throw std::invalid_argument("trailing");
    } catch (const std::exception&) {
      return fail("--points takes a whole number, e.g. 50 or -20", 2);
    }
    auto adj = ledger.adjust(*opt(o, "member"), delta, *opt(o, "reason"), actor());
    if (!adj) return fail(adj.error().message);
    std::printf("%s\n", json({{"adjustment_id", adj->id}, {"member", adj->member_code}, {"delta", adj->delta},
                              {"before", adj->before}, {"after", adj->after}, {"actor", actor()}})
                            .dump()
                            .c_str());
    return 0;
  }
  return fail("usage: points show CODE | points adjust --member CODE --points N --reason TEXT | points expire [--now T]", 2);
}

}  // namespace

std::optional<int> run_loyalty_command(const adapters::config::DaemonConfig& cfg, const std::vector<std::string>& words,
                                       const Opts& opts) {
  if (words.empty()) return std::nullopt;
  const std::string& cmd = words[0];
  const std::string sub = words.size() > 1 ? words[1] : "";
  if (cmd == "rewards" && sub == "list" && words.size() == 2) return rewards_list(cfg, opts);
  if (cmd == "reward" && sub == "redeem" && words.size() == 2) return reward_redeem(cfg, opts);
  if (cmd == "promos" && sub == "list" && words.size() == 2) return promos_list(cfg, opts);
  if (cmd == "promo" && sub == "claim" && words.size() == 2) return promo_claim(cfg, opts);
  if (cmd == "points") return points_cmd(cfg, words, opts);
  return std::nullopt;
}

}  // namespace setia::cli
