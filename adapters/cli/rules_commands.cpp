#include "adapters/cli/rules_commands.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>
#include <soci/soci.h>

#include "adapters/postgres/pg_member_store.h"
#include "adapters/postgres/pg_session.h"
#include "core/pipeline/refund_flow.h"
#include "core/pipeline/sale_decoder.h"
#include "rules/evaluator.h"
#include "rules/loader.h"

namespace setia::cli {
namespace {

using nlohmann::json;

int fail(const std::string& msg, int code = 1) {
  std::fprintf(stderr, "setiactl: %s\n", msg.c_str());
  return code;
}

std::optional<rules::RuleBook> load_book(const std::string& dir) {
  auto book = rules::load_rule_dir(dir);
  if (!book) {
    for (const auto& e : book.error()) std::fprintf(stderr, "%s\n", e.to_string().c_str());
    return std::nullopt;
  }
  return std::move(*book);
}

json decision_json(const rules::PointsDecision& d) {
  json j = {{"points", d.points}, {"rules", d.rule_ids}, {"rate_points", d.rate_points},
            {"multiplier_percent", d.multiplier_percent}, {"bonus_points", d.bonus_points}, {"capped", d.capped}};
  if (d.expires_at_unix) j["expires_at_unix"] = *d.expires_at_unix;
  return j;
}

// rules simulate --event sale.json [--member CODE] [--rules DIR]
int simulate(const adapters::config::DaemonConfig* cfg, const std::map<std::string, std::string>& opts) {
  auto opt = [&](const char* k) -> std::optional<std::string> {
    auto it = opts.find(k);
    return it == opts.end() ? std::nullopt : std::optional(it->second);
  };
  for (const auto& [k, v] : opts) {
    if (k != "event" && k != "member" && k != "rules") return fail("unknown option --" + k, 2);
  }
  if (!opt("event")) return fail("usage: rules simulate --event sale.json [--member CODE] [--rules DIR]", 2);
  std::string dir = opt("rules").value_or(cfg ? cfg->rules.dir : "");
  if (dir.empty()) return fail("give --rules DIR or --config", 2);
  std::ifstream in(*opt("event"));
  if (!in) return fail("cannot read " + *opt("event"));
  std::stringstream ss;
  ss << in.rdbuf();
  auto body = json::parse(ss.str(), nullptr, false);
  std::string store = body.is_object() ? body.value("store_id", "") : "";
  auto sale = core::decode_sale(store, ss.str());
  if (!sale) {
    return fail(*opt("event") + ": " + std::string(domain::reason_code(sale.error().reason)) + ": " + sale.error().detail);
  }
  auto book = load_book(dir);
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
  if (auto member = opt("member").value_or(sale->member.value_or("")); !member.empty() && cfg) {
    adapters::postgres::PgMemberStore members(
        adapters::postgres::conninfo_with_password(cfg->database.conninfo, cfg->database.password_file));
    auto m = members.find_by_code(member);
    if (!m) return fail(m.error().message);
    if (!*m || (*m)->store_id != sale->store_id) {
      out["member"] = {{"code", member}, {"found", false}};
    } else {
      out["member"] = {{"code", member}, {"balance_now", (*m)->points},
                       {"balance_after", (*m)->points + out["decision"]["points"].get<long long>()}};
    }
  }
  std::printf("%s\n", out.dump(2).c_str());
  return 0;
}

// rules backtest --rules DIR --since 30d [--point-value N]
int backtest(const adapters::config::DaemonConfig* cfg, const std::map<std::string, std::string>& opts) {
  if (!cfg) return fail("rules backtest needs --config (the database and the rules in force)", 2);
  std::string candidate_dir, since = "30d";
  long long point_value = 0;
  for (const auto& [k, v] : opts) {
    if (k == "rules") candidate_dir = v;
    else if (k == "since") since = v;
    else if (k == "point-value") {
      try {
        point_value = std::stoll(v);
      } catch (const std::exception&) {
        return fail("--point-value takes whole rupiah per point", 2);
      }
    } else return fail("unknown option --" + k, 2);
  }
  if (candidate_dir.empty()) return fail("usage: rules backtest --rules DIR [--since 30d] [--point-value N]", 2);
  if (since.size() < 2 || since.back() != 'd' || since.find_first_not_of("0123456789") != since.size() - 1) {
    return fail("--since takes a number of days, e.g. 30d", 2);
  }
  int days = std::stoi(since.substr(0, since.size() - 1));
  auto now_book = load_book(cfg->rules.dir);
  auto cand_book = load_book(candidate_dir);
  if (!now_book || !cand_book) return 1;

  // Every member sale of the period, as the rules read it, with the points
  // it really earned.
  adapters::postgres::PgSession session(
      adapters::postgres::conninfo_with_password(cfg->database.conninfo, cfg->database.password_file));
  std::vector<std::pair<std::string, long long>> sales;  // plan-shaped sale JSON, points earned
  auto done = session.run([&](soci::session& sql) {
    soci::rowset<soci::row> rows = (sql.prepare <<
        "SELECT jsonb_build_object('store_id', s.store_id, 'receipt_no', s.receipt_no, 'occurred_at', s.occurred_at, "
        "'subtotal', s.subtotal, 'total', s.total, 'items', (SELECT jsonb_agg(jsonb_build_object('sku', l.sku, "
        "'name', l.name, 'qty', l.qty, 'unit_price', l.unit_price, 'category', l.category) ORDER BY l.line_no) "
        "FROM sale_lines l WHERE l.sale_id = s.id))::text, s.points_earned "
        "FROM sales s WHERE s.member_id IS NOT NULL AND s.occurred_at >= now() - make_interval(days => :d) "
        "ORDER BY s.id", soci::use(days));
    for (const auto& r : rows) sales.emplace_back(r.get<std::string>(0), r.get<long long>(1));
  });
  if (!done) return fail(done.error().message);

  struct StoreTotals {
    long long sales = 0, issued = 0, now = 0, candidate = 0;
    std::map<std::string, std::pair<long long, long long>> rule_sales;  // rule -> (sales now, sales candidate)
  };
  std::map<std::string, StoreTotals> by_store;
  for (const auto& [text, issued] : sales) {
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
  json out = {{"since_days", days}, {"rules_now", now_book->version}, {"rules_candidate", cand_book->version},
              {"point_value", point_value}, {"stores", json::array()}};
  for (const auto& [store, t] : by_store) {
    json rules_json = json::array();
    for (const auto& [id, n] : t.rule_sales) rules_json.push_back({{"rule", id}, {"sales_now", n.first}, {"sales_candidate", n.second}});
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

std::optional<int> run_rules_command(const adapters::config::DaemonConfig* cfg, const std::vector<std::string>& words,
                                     const std::map<std::string, std::string>& opts) {
  if (words.size() < 2 || words[0] != "rules") return std::nullopt;
  if (words[1] == "simulate" && words.size() == 2) return simulate(cfg, opts);
  if (words[1] == "backtest" && words.size() == 2) return backtest(cfg, opts);
  return std::nullopt;
}

}  // namespace setia::cli
