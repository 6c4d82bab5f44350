// setiactl rules check|simulate|backtest: the rule files against a sale,
// and against the sales of a period; rules versions|show|save|restore: a
// store's rule versions in PostgreSQL (docs/rules.md, "Rule versions").
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>

#include "adapters/cli/commands.h"
#include "adapters/postgres/pg_member_store.h"
#include "adapters/postgres/pg_rule_version_store.h"
#include "adapters/postgres/pg_sale_records.h"
#include "adapters/postgres/pg_session.h"
#include "core/pipeline/refund_flow.h"
#include "core/pipeline/sale_decoder.h"
#include "core/services/store_time_text.h"
#include "rules/evaluator.h"
#include "rules/loader.h"
#include "rules/version_hash.h"

namespace setia::cli {
namespace {

using nlohmann::json;

struct RulesOptions {
  std::vector<std::string> files;
  std::string event, rules_dir, since = "30d";
  std::optional<std::string> member;
  long long point_value = 0;
  // versions, show, save, restore
  std::string store, note, file;
  int version = 0, limit = 20;
};

int versions(Context& ctx, const RulesOptions& o) {
  adapters::postgres::PgSession session(ctx.conninfo("rules versions"));
  adapters::postgres::PgRuleVersionStore store(session);
  auto page = store.list(o.store, {.limit = o.limit, .after = std::nullopt});
  if (!page) return fail(page.error().message);
  if (page->items.empty()) {
    std::printf("store %s has no rule versions: its file in rules.dir rules it\n", o.store.c_str());
    return 0;
  }
  for (const auto& v : page->items) {
    std::printf("%d\t%s\t%s%s\t%s\t%s\n", v.version, core::store_time_text(v.saved_at, nullptr).c_str(),
                v.source.c_str(), v.restored_from ? (" of " + std::to_string(*v.restored_from)).c_str() : "",
                v.actor.c_str(), v.note.c_str());
  }
  return 0;
}

int show(Context& ctx, const RulesOptions& o) {
  adapters::postgres::PgSession session(ctx.conninfo("rules show"));
  adapters::postgres::PgRuleVersionStore store(session);
  auto v = o.version > 0 ? store.get(o.store, o.version) : store.newest(o.store);
  if (!v) return fail(v.error().message);
  if (!*v)
    return fail("store " + o.store + " has no rule version" + (o.version > 0 ? " " + std::to_string(o.version) : ""));
  std::fputs((*v)->yaml.c_str(), stdout);
  return 0;
}

// A new version of `text`, validated by the loader, on the newest one.
int save_version(Context& ctx, const RulesOptions& o, const std::string& text, const std::string& source,
                 std::optional<int> restored_from, const std::string& command) {
  auto rs = rules::load_rule_text(text, o.file.empty() ? "rule_versions/" + o.store : o.file);
  if (!rs) {
    for (const auto& e : rs.error()) std::fprintf(stderr, "%s\n", e.to_string().c_str());
    return 1;
  }
  if (rs->store != o.store) return fail("the text is for store '" + rs->store + "', not " + o.store);
  adapters::postgres::PgSession session(ctx.conninfo(command));
  adapters::postgres::PgRuleVersionStore store(session);
  auto newest = store.newest(o.store);
  if (!newest) return fail(newest.error().message);
  core::NewRuleVersion v{o.store,     text,  rules::version_hash(text), source, restored_from, std::nullopt,
                         cli_actor(), o.note};
  auto saved = store.save(v, *newest ? (*newest)->version : 0, std::nullopt);
  if (!saved) {
    if (const auto* stale = saved.error().refusal())
      return fail("saved meanwhile as version " + std::to_string(stale->latest) + ": try again");
    return fail(saved.error().store_error()->message);
  }
  std::printf("store %s: version %d saved; every setiad applies it within seconds\n", o.store.c_str(), saved->version);
  return 0;
}

int save(Context& ctx, const RulesOptions& o) {
  std::ifstream in(o.file);
  if (!in) return fail("cannot read " + o.file);
  std::stringstream ss;
  ss << in.rdbuf();
  return save_version(ctx, o, ss.str(), "cli", std::nullopt, "rules save");
}

int restore(Context& ctx, const RulesOptions& o) {
  adapters::postgres::PgSession session(ctx.conninfo("rules restore"));
  adapters::postgres::PgRuleVersionStore store(session);
  auto v = store.get(o.store, o.version);
  if (!v) return fail(v.error().message);
  if (!*v) return fail("store " + o.store + " has no rule version " + std::to_string(o.version));
  RulesOptions with_note = o;
  if (with_note.note.empty()) with_note.note = "restored from version " + std::to_string(o.version);
  return save_version(ctx, with_note, (*v)->yaml, "restore", o.version, "rules restore");
}

json decision_json(const rules::PointsDecision& d) {
  json j = {{"points", d.points},
            {"rules", d.rule_ids},
            {"rate_points", d.rate_points},
            {"multiplier_percent", d.multiplier_percent},
            {"bonus_points", d.bonus_points},
            {"capped", d.capped}};
  if (d.expires_at_unix) j["expires_at_unix"] = *d.expires_at_unix;
  return j;
}

int check(Context& ctx, const RulesOptions& o) {
  const auto* cfg = ctx.config_if_given();
  if (o.files.empty() && !cfg) return fail("give rule files or --config (its rules dir)", 2);
  // The dir as setiad reads it, store by store: which stores' files are
  // broken; given files, as one book.
  auto book =
      o.files.empty() ? rules::load_rule_dir_by_store(cfg->rules.dir, nullptr) : rules::load_rule_files(o.files);
  if (!book) {
    for (const auto& e : book.error()) std::fprintf(stderr, "%s\n", e.to_string().c_str());
    return 1;
  }
  for (const auto& f : book->files) std::printf("%s: OK\n", f.c_str());
  for (const auto& [store, errors] : book->broken) {
    std::printf(
        "store %s: BROKEN (%zu error(s)): setiad keeps the rules it had, or answers its events with "
        "dead letters (rules_unavailable) when it had none\n",
        store.c_str(), errors.size());
  }
  if (!book->unattributed.empty()) {
    std::printf("%zu error(s) in files whose store cannot be read\n", book->unattributed.size());
  }
  for (const auto& e : book->errors()) std::fprintf(stderr, "%s\n", e.to_string().c_str());
  std::printf("rule set version %s\n", book->version.c_str());
  return book->errors().empty() ? 0 : 1;
}

int simulate(Context& ctx, const RulesOptions& o) {
  const auto* cfg = ctx.config_if_given();
  std::string dir = !o.rules_dir.empty() ? o.rules_dir : (cfg ? cfg->rules.dir : "");
  if (dir.empty()) return fail("give --rules DIR or --config", 2);
  std::ifstream in(o.event);
  if (!in) return fail("cannot read " + o.event);
  std::stringstream ss;
  ss << in.rdbuf();
  auto body = json::parse(ss.str(), nullptr, false);
  std::string store = body.is_object() ? body.value("store_id", "") : "";
  auto sale = core::decode_sale(store, ss.str());
  if (!sale) {
    return fail(o.event + ": " + std::string(domain::reason_code(sale.error().reason)) + ": " + sale.error().detail);
  }
  auto book = load_rule_book(dir);
  if (!book) return 1;
  const rules::RuleSet* rs = book->for_store(sale->store_id);
  json out = {{"store", sale->store_id}, {"rule_set_version", book->version}};
  if (!rs) {
    out["rule_file"] = nullptr;
    out["decision"] = decision_json({});
  } else {
    out["rule_file"] = rs->file;
    out["decision"] = decision_json(rules::evaluate_points(*rs, *sale));
  }
  if (auto member = o.member.value_or(sale->member.value_or("")); !member.empty() && cfg) {
    adapters::postgres::PgMemberStore members(ctx.conninfo("rules simulate"));
    auto m = members.find_by_code(member);
    if (!m) return fail(m.error().message);
    if (!*m || (*m)->store_id != sale->store_id) {
      out["member"] = {{"code", member}, {"found", false}};
    } else {
      out["member"] = {{"code", member},
                       {"balance_now", (*m)->points},
                       {"balance_after", (*m)->points + out["decision"]["points"].get<long long>()}};
    }
  }
  std::printf("%s\n", out.dump(2).c_str());
  return 0;
}

int backtest(Context& ctx, const RulesOptions& o) {
  const auto& cfg = ctx.config("rules backtest");
  const std::string& since = o.since;
  if (since.size() < 2 || since.size() > 5 || since.back() != 'd' ||
      since.find_first_not_of("0123456789") != since.size() - 1) {
    return fail("--since takes a number of days up to 9999, e.g. 30d", 2);
  }
  int days = std::stoi(since.substr(0, since.size() - 1));
  const std::string& candidate_dir = o.rules_dir;
  const long long point_value = o.point_value;
  auto now_book = load_rule_book(cfg.rules.dir);
  auto cand_book = load_rule_book(candidate_dir);
  if (!now_book || !cand_book) return 1;

  // Every member sale of the period, as the rules read it, with the points
  // it really earned.
  adapters::postgres::PgSession session(ctx.conninfo("rules backtest"));
  adapters::postgres::PgSaleRecords records(session);
  const auto from = std::chrono::duration_cast<std::chrono::seconds>(
      (std::chrono::system_clock::now() - std::chrono::days(days)).time_since_epoch());
  auto sales = records.member_sales_since(from.count());
  if (!sales) return fail(sales.error().message);

  struct StoreTotals {
    long long sales = 0, issued = 0, now = 0, candidate = 0;
    std::map<std::string, std::pair<long long, long long>> rule_sales;  // rule -> (sales now, sales candidate)
  };
  std::map<std::string, StoreTotals> by_store;
  for (const auto& [text, issued] : *sales) {
    auto sale = core::sale_from_plan(text);
    if (!sale) continue;
    auto& t = by_store[sale->store_id];
    ++t.sales;
    t.issued += issued;
    if (const auto* rs = now_book->for_store(sale->store_id)) {
      auto d = rules::evaluate_points(*rs, *sale);
      t.now += d.points;
      for (const auto& id : d.rule_ids) ++t.rule_sales[id].first;
    }
    if (const auto* rs = cand_book->for_store(sale->store_id)) {
      auto d = rules::evaluate_points(*rs, *sale);
      t.candidate += d.points;
      for (const auto& id : d.rule_ids) ++t.rule_sales[id].second;
    }
  }
  json out = {{"since_days", days},
              {"rules_now", now_book->version},
              {"rules_candidate", cand_book->version},
              {"point_value", point_value},
              {"stores", json::array()}};
  for (const auto& [store, t] : by_store) {
    json rules_json = json::array();
    for (const auto& [id, n] : t.rule_sales)
      rules_json.push_back({{"rule", id}, {"sales_now", n.first}, {"sales_candidate", n.second}});
    out["stores"].push_back({{"store", store},
                             {"member_sales", t.sales},
                             {"points_issued", t.issued},
                             {"points_now_rules", t.now},
                             {"points_candidate", t.candidate},
                             {"points_change", t.candidate - t.now},
                             {"liability_change_rupiah", (t.candidate - t.now) * point_value},
                             {"rules", rules_json}});
  }
  std::printf("%s\n", out.dump(2).c_str());
  return 0;
}

}  // namespace

void add_rules_commands(CLI::App& app, Context& ctx) {
  auto* rules_cmd = app.add_subcommand("rules", "the shops' rule files")->require_subcommand(1);
  auto o = std::make_shared<RulesOptions>();
  auto* chk =
      rules_cmd->add_subcommand("check", "validate rule files (default: the config's rules dir); exit 1 on errors");
  chk->add_option("files", o->files, "rule files (YAML)");
  chk->callback([&ctx, o] { ctx.exit_code = check(ctx, *o); });
  auto* sim = rules_cmd->add_subcommand("simulate", "what a sale would earn and which rules gave it; changes nothing");
  sim->add_option("--event", o->event, "the sale, as the POS sends it (JSON)")->required();
  sim->add_option("--member", o->member, "show this member's balance before and after");
  sim->add_option("--rules", o->rules_dir, "the rule files' directory (default: the config's)");
  sim->callback([&ctx, o] { ctx.exit_code = simulate(ctx, *o); });
  auto* bt = rules_cmd->add_subcommand("backtest",
                                       "the period's member sales under the rules in force and under DIR: points "
                                       "per store, the change, and its liability in rupiah");
  bt->add_option("--rules", o->rules_dir, "the candidate rule files' directory")->required();
  bt->add_option("--since", o->since, "the period, in days back from now: e.g. 30d")->capture_default_str();
  bt->add_option("--point-value", o->point_value, "rupiah a point is worth")->check(CLI::NonNegativeNumber);
  bt->callback([&ctx, o] { ctx.exit_code = backtest(ctx, *o); });

  auto* vs = rules_cmd->add_subcommand("versions", "a store's saved rule versions, newest first");
  vs->add_option("--store", o->store, "the store")->required();
  vs->add_option("--limit", o->limit, "how many")->capture_default_str()->check(CLI::Range(1, 1000));
  vs->callback([&ctx, o] { ctx.exit_code = versions(ctx, *o); });
  auto* sh = rules_cmd->add_subcommand("show", "the text of a store's rule version (default: the newest)");
  sh->add_option("--store", o->store, "the store")->required();
  sh->add_option("--version", o->version, "the version number")->check(CLI::PositiveNumber);
  sh->callback([&ctx, o] { ctx.exit_code = show(ctx, *o); });
  auto* sv = rules_cmd->add_subcommand(
      "save", "save a rule file as the store's newest version (validated first); every setiad applies it");
  sv->add_option("--store", o->store, "the store")->required();
  sv->add_option("file", o->file, "the rule file (YAML)")->required();
  sv->add_option("--note", o->note, "why, for the history");
  sv->callback([&ctx, o] { ctx.exit_code = save(ctx, *o); });
  auto* rs = rules_cmd->add_subcommand("restore", "save an older version's text again as the newest version");
  rs->add_option("--store", o->store, "the store")->required();
  rs->add_option("--version", o->version, "the version to restore")->required()->check(CLI::PositiveNumber);
  rs->add_option("--note", o->note, "why, for the history");
  rs->callback([&ctx, o] { ctx.exit_code = restore(ctx, *o); });
}

}  // namespace setia::cli
