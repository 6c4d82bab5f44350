// setiactl: the command line of admins and operators. A composition root
// like setiad: it wires the adapters it needs to core services.
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <soci/soci.h>

#include "adapters/cli/loyalty_commands.h"
#include "adapters/cli/rules_commands.h"
#include "adapters/cli/admin_commands.h"
#include "adapters/config/daemon_config.h"
#include "adapters/pos/pos_client.h"
#include "adapters/postgres/migrator.h"
#include "adapters/postgres/pg_dead_letter_store.h"
#include "adapters/postgres/pg_member_store.h"
#include "adapters/postgres/pg_session.h"
#include "adapters/postgres/pg_voucher_store.h"
#include "core/services/members.h"
#include "core/services/store_time_text.h"
#include "core/domain/voucher_terms_json.h"
#include "core/services/vouchers.h"
#include "core/support/log.h"
#include "rules/loader.h"

namespace {

using namespace setia;

constexpr const char* kUsage = R"(usage: setiactl --config FILE COMMAND ...

  db migrate                      apply the missing schema migrations
  admin token create (--store S | --all) [--valid-days D]
                                  a bearer token for the REST admin paths of one store (or of
                                  every store), valid D days (365); printed alone on stdout
  member add --store S --name N --phone P [--email E] [--birth-date YYYY-MM-DD]
                                  prints the new member code alone on stdout
  member show CODE                the member as JSON
  rules check [FILE...]           validate rule files (default: the config's rules dir); exit 1 on errors
  rules simulate --event sale.json [--member CODE] [--rules DIR]
                                  what a sale would earn and which rules gave it; changes nothing
  rules backtest --rules DIR [--since 30d] [--point-value N]
                                  the period's member sales under the rules in force and under DIR:
                                  points per store, the change, and its liability in rupiah
  pos send --store S FILE.jsonl [--timeout-ms N] [--window N] [--deadline-s N]
                                  publish each sale, wait for each result, republish when none
                                  comes in time; prints a JSON summary
  deadletter list [--store S] [--limit N]
                                  rejected messages, newest first, as JSON lines
  sale show --store S --receipt R the recorded sale (the e-nota record) as JSON
  voucher issue --store S [--member CODE] (--amount-off N | --percent-off P [--max-off N]
                | --free-category C | --free-sku K [--free-qty Q])
                [--min-spend N] [--valid-days D] [--title T]
                                  prints the new voucher code alone on stdout
  voucher show CODE               the voucher as JSON (status: active, redeemed, expired, void)
  voucher void CODE               an active voucher can no longer be used
  device add --member CODE --token T [--platform android|ios|web]
  device remove --token T         register / drop a member's FCM device token
  outbox list [--status pending|sent|dead] [--limit N]
                                  deliveries of notifications, newest first, as JSON lines
  outbox replay ID                send a dead delivery again (attempts start over)
  rewards list --store S          the reward catalog now: cost, stock left, dates, voucher (JSON)
  reward redeem --member CODE --reward ID
                                  spends the points; prints the voucher code alone on stdout
  promos list (--store S | --member CODE)
                                  promos running now (for a member: those they may claim)
  promo claim --member CODE --promo ID
                                  prints the claimed voucher code alone on stdout
  points show CODE [--limit N] [--before ID]
                                  balance, what expires next, history newest first (JSON)
  points adjust --member CODE --points N --reason TEXT
                                  add (N > 0) or take (N < 0) points, audited as cli:<user>
  points expire [--now RFC3339]   expire every points lot due by now (the scheduled job, once)
)";

int fail(const std::string& msg, int code = 1) {
  std::fprintf(stderr, "setiactl: %s\n", msg.c_str());
  return code;
}

// --name value options after the command words.
struct Args {
  std::vector<std::string> words;
  std::map<std::string, std::string> opts;

  std::optional<std::string> opt(const std::string& k) const {
    auto it = opts.find(k);
    if (it == opts.end()) return std::nullopt;
    return it->second;
  }
};

std::expected<Args, std::string> parse(int argc, char** argv, int from) {
  Args a;
  for (int i = from; i < argc; ++i) {
    std::string s = argv[i];
    if (s == "--all") {  // the one flag without a value (admin token create --all)
      a.opts["all"] = "true";
      continue;
    }
    if (s.starts_with("--")) {
      if (i + 1 >= argc) return std::unexpected("option " + s + " needs a value");
      a.opts[s.substr(2)] = argv[++i];
    } else {
      a.words.push_back(s);
    }
  }
  return a;
}

std::expected<void, std::string> only_options(const Args& a, std::initializer_list<std::string> allowed) {
  for (const auto& [k, v] : a.opts) {
    if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) return std::unexpected("unknown option --" + k);
  }
  return {};
}

std::string conninfo(const adapters::config::DaemonConfig& c) {
  return adapters::postgres::conninfo_with_password(c.database.conninfo, c.database.password_file);
}

int db_migrate(const adapters::config::DaemonConfig& cfg) {
  auto applied = adapters::postgres::migrate(conninfo(cfg));
  if (!applied) return fail("migration failed: " + applied.error());
  for (int v : *applied) std::printf("applied migration %04d\n", v);
  std::printf("schema at version %d\n", adapters::postgres::required_schema_version());
  return 0;
}

nlohmann::json member_json(const domain::Member& m) {
  nlohmann::json j = {{"code", m.code}, {"store", m.store_id}, {"name", m.name}, {"phone", m.phone},
                      {"points", m.points}, {"created_at", m.created_at}};
  j["email"] = m.email ? nlohmann::json(*m.email) : nlohmann::json(nullptr);
  j["birth_date"] = m.birth_date ? nlohmann::json(*m.birth_date) : nlohmann::json(nullptr);
  return j;
}

int member_cmd(const adapters::config::DaemonConfig& cfg, const Args& a) {
  adapters::postgres::PgMemberStore store(conninfo(cfg));
  std::random_device rd;
  core::Members members(store, [&rd] { return (std::uint64_t{rd()} << 32) ^ rd(); });
  if (a.words.size() == 2 && a.words[1] == "add") {
    if (auto ok = only_options(a, {"store", "name", "phone", "email", "birth-date"}); !ok) return fail(ok.error(), 2);
    if (!a.opt("store") || !a.opt("name") || !a.opt("phone")) return fail("member add needs --store, --name and --phone", 2);
    auto m = members.add({*a.opt("store"), *a.opt("name"), *a.opt("phone"), a.opt("email"), a.opt("birth-date")});
    if (!m) return fail(m.error().message);
    std::printf("%s\n", m->code.c_str());
    return 0;
  }
  if (a.words.size() == 3 && a.words[1] == "show") {
    auto m = members.find(a.words[2]);
    if (!m) return fail(m.error().message);
    if (!*m) return fail("no member with code " + a.words[2]);
    std::printf("%s\n", member_json(**m).dump(2).c_str());
    return 0;
  }
  return fail("usage: member add ... | member show CODE", 2);
}

int rules_check(const adapters::config::DaemonConfig* cfg, const Args& a) {
  std::vector<std::string> files(a.words.begin() + 2, a.words.end());
  auto book = files.empty() ? (cfg ? rules::load_rule_dir(cfg->rules.dir)
                                   : std::expected<rules::RuleBook, rules::LoadErrors>(std::unexpect,
                                       rules::LoadErrors{{"setiactl", 0, 0, "no files given and no --config"}}))
                            : rules::load_rule_files(files);
  if (!book) {
    for (const auto& e : book.error()) std::fprintf(stderr, "%s\n", e.to_string().c_str());
    return 1;
  }
  for (const auto& f : book->files) std::printf("%s: OK\n", f.c_str());
  std::printf("rule set version %s\n", book->version.c_str());
  return 0;
}

int pos_send(const adapters::config::DaemonConfig& cfg, const Args& a) {
  if (auto ok = only_options(a, {"store", "timeout-ms", "window", "deadline-s"}); !ok) return fail(ok.error(), 2);
  if (a.words.size() != 3 || !a.opt("store")) return fail("usage: pos send --store S FILE.jsonl", 2);
  auto events = adapters::pos::read_events_jsonl(a.words[2], *a.opt("store"));
  if (!events) return fail(events.error());
  adapters::pos::PosOptions o;
  o.mqtt = cfg.mqtt;
  o.mqtt.client_id = "setiactl-pos-" + std::to_string(::getpid());
  try {
    if (auto v = a.opt("timeout-ms")) o.result_timeout = std::chrono::milliseconds(std::stol(*v));
    if (auto v = a.opt("window")) o.window = std::stoul(*v);
    if (auto v = a.opt("deadline-s")) o.deadline = std::chrono::seconds(std::stol(*v));
  } catch (const std::exception&) {
    return fail("--timeout-ms, --window and --deadline-s take whole numbers", 2);
  }
  if (o.window > 100000) return fail("--window must be 0 (all at once) to 100000", 2);
  adapters::pos::PosClient pos(o);
  if (auto c = pos.connect(); !c) return fail(c.error());
  auto sum = pos.send(*events);
  std::printf("%s\n", sum.to_json().c_str());
  return sum.unanswered == 0 ? 0 : 1;
}

int deadletter_list(const adapters::config::DaemonConfig& cfg, const Args& a) {
  if (auto ok = only_options(a, {"store", "limit"}); !ok) return fail(ok.error(), 2);
  int limit = 50;
  try {
    if (auto v = a.opt("limit")) limit = std::stoi(*v);
  } catch (const std::exception&) {
    return fail("--limit takes a whole number", 2);
  }
  if (limit < 1 || limit > 1000) return fail("--limit must be 1 to 1000", 2);
  // The same query as the REST API's GET /v1/admin/deadletters (PgDeadLetterStore).
  adapters::postgres::PgSession session(conninfo(cfg));
  adapters::postgres::PgDeadLetterStore queries(session);
  auto store = a.opt("store");
  auto page = queries.dead_letters(store ? std::optional<std::string>(*store) : std::nullopt, {.limit = limit});
  if (!page) return fail(page.error().message);
  for (const auto& d : page->items) {
    auto opt = [](const std::optional<std::string>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
    nlohmann::json j = {{"id", d.id},         {"store", opt(d.store_id)}, {"event_id", opt(d.event_id)},
                        {"topic", d.topic},   {"reason", d.reason},       {"detail", d.detail},
                        {"received_at", core::store_time_text(d.at, nullptr)},
                        {"payload", d.payload.substr(0, 2000)}};
    // A payload is bytes as a till sent them: what is not UTF-8 prints as
    // U+FFFD, a NUL as \u0000; the listing never fails on it.
    std::printf("%s\n", j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  }
  return 0;
}

int sale_show(const adapters::config::DaemonConfig& cfg, const Args& a) {
  if (auto ok = only_options(a, {"store", "receipt"}); !ok) return fail(ok.error(), 2);
  if (!a.opt("store") || !a.opt("receipt")) return fail("usage: sale show --store S --receipt R", 2);
  std::string store = *a.opt("store"), receipt = *a.opt("receipt"), out;
  soci::indicator ind = soci::i_null;
  adapters::postgres::PgSession session(conninfo(cfg));
  auto done = session.run([&](soci::session& sql) {
    sql << "SELECT jsonb_build_object('store', s.store_id, 'receipt_no', s.receipt_no, "
           "'occurred_at', s.occurred_at, 'table', s.table_no, 'service', s.service, 'member', s.member_code, "
           "'customer_name', s.customer_name, 'cashier', s.cashier, "
           "'items', (SELECT jsonb_agg(jsonb_build_object('name', l.name, 'qty', l.qty, 'unit_price', l.unit_price, "
           "'amount', l.amount) ORDER BY l.line_no) FROM sale_lines l WHERE l.sale_id = s.id), "
           "'subtotal', s.subtotal, 'discount', s.discount, 'total', s.total, 'paid', s.paid, 'change', s.change, "
           "'points_earned', s.points_earned)::text FROM sales s WHERE s.store_id = :s AND s.receipt_no = :r",
        soci::use(store), soci::use(receipt), soci::into(out, ind);
  });
  if (!done) return fail(done.error().message);
  if (ind != soci::i_ok) return fail("no sale " + receipt + " in store " + store);
  std::printf("%s\n", nlohmann::json::parse(out).dump(2).c_str());
  return 0;
}

nlohmann::json voucher_json(const domain::Voucher& v) {
  nlohmann::json j = {{"code", v.code}, {"store", v.store_id}, {"title", v.title}, {"min_spend", v.terms.min_spend},
                      {"valid_from", v.valid_from}, {"valid_until", v.valid_until}, {"status", v.status},
                      {"source", v.source}};
  j["member"] = v.member_code ? nlohmann::json(*v.member_code) : nlohmann::json(nullptr);
  if (auto* p = std::get_if<domain::PercentOff>(&v.terms.benefit)) {
    j["percent_off"] = p->percent;
    if (p->max_off) j["max_off"] = *p->max_off;
  } else if (auto* a = std::get_if<domain::AmountOff>(&v.terms.benefit)) {
    j["amount_off"] = a->amount;
  } else if (auto* f = std::get_if<domain::FreeItem>(&v.terms.benefit)) {
    j["free_item"] = {{"category", f->category}, {"sku", f->sku}, {"qty", f->qty}};
  }
  if (v.redeemed_receipt) j["redeemed_receipt"] = *v.redeemed_receipt;
  if (v.discount) j["discount"] = *v.discount;
  // The terms in their one shape (core/domain/voucher_terms_json.h), beside
  // the keys above that older scripts read; an issued voucher has dates,
  // not valid_days.
  nlohmann::json terms = v.terms;
  terms.erase("valid_days");
  for (auto& [key, value] : terms.items()) {
    if (!j.contains(key)) j[key] = value;
  }
  return j;
}

int voucher_cmd(const adapters::config::DaemonConfig& cfg, const Args& a) {
  adapters::postgres::PgVoucherStore store(conninfo(cfg));
  std::random_device rd;
  core::Vouchers vouchers(store, [&rd] { return (std::uint64_t{rd()} << 32) ^ rd(); });
  const std::string sub = a.words.size() > 1 ? a.words[1] : "";
  if (sub == "issue") {
    if (auto ok = only_options(a, {"store", "member", "amount-off", "percent-off", "max-off", "free-category",
                                   "free-sku", "free-qty", "min-spend", "valid-days", "title"}); !ok) {
      return fail(ok.error(), 2);
    }
    if (!a.opt("store")) return fail("voucher issue needs --store", 2);
    int benefits = !!a.opt("amount-off") + !!a.opt("percent-off") + !!a.opt("free-category") + !!a.opt("free-sku");
    if (benefits != 1) return fail("give exactly one of --amount-off, --percent-off, --free-category, --free-sku", 2);
    core::NewVoucher v;
    v.store_id = *a.opt("store");
    v.member_code = a.opt("member");
    try {
      if (auto x = a.opt("amount-off")) v.terms.benefit = domain::AmountOff{.amount = std::stoll(*x)};
      if (auto x = a.opt("percent-off")) {
        domain::PercentOff p{.percent = std::stoi(*x)};
        if (auto m = a.opt("max-off")) p.max_off = std::stoll(*m);
        v.terms.benefit = p;
      }
      if (a.opt("free-category") || a.opt("free-sku")) {
        v.terms.benefit = domain::FreeItem{.category = a.opt("free-category").value_or(""),
                                           .sku = a.opt("free-sku").value_or(""),
                                           .qty = std::stoll(a.opt("free-qty").value_or("1"))};
      }
      if (auto x = a.opt("min-spend")) v.terms.min_spend = std::stoll(*x);
      if (auto x = a.opt("valid-days")) v.terms.valid_days = std::stoi(*x);
    } catch (const std::exception&) {
      return fail("amounts, percent, quantity and days are whole numbers (rupiah without separators)", 2);
    }
    v.title = a.opt("title").value_or("");
    if (v.title.empty()) {
      if (auto* p = std::get_if<domain::PercentOff>(&v.terms.benefit)) v.title = "Diskon " + std::to_string(p->percent) + "%";
      else if (auto* am = std::get_if<domain::AmountOff>(&v.terms.benefit)) v.title = "Potongan Rp " + std::to_string(am->amount);
      else v.title = "Gratis 1 item";
    }
    auto issued = vouchers.issue(v);
    if (!issued) return fail(issued.error().message);
    std::printf("%s\n", issued->code.c_str());
    return 0;
  }
  if ((sub == "show" || sub == "void") && a.words.size() == 3) {
    if (sub == "void") {
      auto r = vouchers.void_voucher(a.words[2]);
      if (!r) return fail(r.error().message);
      std::printf("voucher %s is void\n", a.words[2].c_str());
      return 0;
    }
    auto v = vouchers.find(a.words[2]);
    if (!v) return fail(v.error().message);
    if (!*v) return fail("no voucher " + a.words[2]);
    std::printf("%s\n", voucher_json(**v).dump(2).c_str());
    return 0;
  }
  return fail("usage: voucher issue ... | voucher show CODE | voucher void CODE", 2);
}

int device_cmd(const adapters::config::DaemonConfig& cfg, const Args& a) {
  if (auto ok = only_options(a, {"member", "token", "platform"}); !ok) return fail(ok.error(), 2);
  adapters::postgres::PgSession session(conninfo(cfg));
  const std::string sub = a.words.size() > 1 ? a.words[1] : "";
  long long affected = 0;
  if (sub == "add" && a.opt("member") && a.opt("token")) {
    std::string member = *a.opt("member"), token = *a.opt("token"), platform = a.opt("platform").value_or("android");
    if (platform != "android" && platform != "ios" && platform != "web") return fail("--platform must be android, ios or web", 2);
    auto done = session.run([&](soci::session& sql) {
      soci::statement st = (sql.prepare << "INSERT INTO devices (token, member_id, platform) "
                                           "SELECT :t, id, :p FROM members WHERE code = :c "
                                           "ON CONFLICT (token) DO UPDATE SET member_id = EXCLUDED.member_id",
                            soci::use(token), soci::use(platform), soci::use(member));
      st.execute(true);
      affected = st.get_affected_rows();
    });
    if (!done) return fail(done.error().message);
    if (affected == 0) return fail("no member with code " + member);
    return 0;
  }
  if (sub == "remove" && a.opt("token")) {
    std::string token = *a.opt("token");
    auto done = session.run([&](soci::session& sql) { sql << "DELETE FROM devices WHERE token = :t", soci::use(token); });
    if (!done) return fail(done.error().message);
    return 0;
  }
  return fail("usage: device add --member CODE --token T | device remove --token T", 2);
}

int outbox_cmd(const adapters::config::DaemonConfig& cfg, const Args& a) {
  if (auto ok = only_options(a, {"status", "limit"}); !ok) return fail(ok.error(), 2);
  adapters::postgres::PgSession session(conninfo(cfg));
  const std::string sub = a.words.size() > 1 ? a.words[1] : "";
  if (sub == "list") {
    std::string status = a.opt("status").value_or("");
    int limit = 50;
    try {
      if (auto v = a.opt("limit")) limit = std::stoi(*v);
    } catch (const std::exception&) {
      return fail("--limit takes a whole number", 2);
    }
    std::vector<std::string> rows;
    auto done = session.run([&](soci::session& sql) {
      soci::rowset<std::string> rs = (sql.prepare <<
          "SELECT json_build_object('id', o.id, 'notification', o.notification_id, 'kind', n.kind, 'store', n.store_id, "
          "'device_token', o.device_token, 'topic', o.fcm_topic, 'status', o.status, 'attempts', o.attempts, "
          "'next_attempt_at', o.next_attempt_at, 'last_error', o.last_error, 'sent_at', o.sent_at)::text "
          "FROM outbox o JOIN notifications n ON n.id = o.notification_id "
          "WHERE (:s = '' OR o.status = :s) ORDER BY o.id DESC LIMIT :l",
          soci::use(status, "s"), soci::use(limit, "l"));
      for (const auto& r : rs) rows.push_back(r);
    });
    if (!done) return fail(done.error().message);
    for (const auto& r : rows) std::printf("%s\n", r.c_str());
    return 0;
  }
  if (sub == "replay" && a.words.size() == 3) {
    long long id = 0, affected = 0;
    try {
      id = std::stoll(a.words[2]);
    } catch (const std::exception&) {
      return fail("outbox replay takes a row id", 2);
    }
    auto done = session.run([&](soci::session& sql) {
      soci::statement st = (sql.prepare << "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = now(), "
                                           "last_error = NULL WHERE id = :id AND status = 'dead'", soci::use(id));
      st.execute(true);
      affected = st.get_affected_rows();
    });
    if (!done) return fail(done.error().message);
    if (affected == 0) return fail("no dead outbox row " + a.words[2]);
    std::printf("outbox row %lld is pending again\n", id);
    return 0;
  }
  return fail("usage: outbox list [--status S] [--limit N] | outbox replay ID", 2);
}

}  // namespace

int main(int argc, char** argv) {
  std::string config_path;
  int i = 1;
  if (i + 1 < argc && std::string(argv[i]) == "--config") {
    config_path = argv[i + 1];
    i += 2;
  }
  auto args = parse(argc, argv, i);
  if (!args) return fail(args.error(), 2);
  if (args->words.empty() || args->words[0] == "help") {
    std::fputs(kUsage, args->words.empty() ? stderr : stdout);
    return args->words.empty() ? 2 : 0;
  }
  setia::log::set_level("warn");
  std::optional<adapters::config::DaemonConfig> cfg;
  if (!config_path.empty()) {
    auto c = adapters::config::load_daemon_config(config_path);
    if (!c) {
      for (const auto& e : c.error()) std::fprintf(stderr, "%s\n", e.to_string().c_str());
      return 1;
    }
    cfg = std::move(*c);
  }
  const auto& cmd = args->words[0];
  const std::string sub = args->words.size() > 1 ? args->words[1] : "";
  if (cmd == "rules" && sub == "check") return rules_check(cfg ? &*cfg : nullptr, *args);
  if (auto rc = setia::cli::run_rules_command(cfg ? &*cfg : nullptr, args->words, args->opts)) return *rc;
  if (!cfg) return fail("--config FILE is needed for '" + cmd + "'", 2);
  try {
    if (cmd == "db" && sub == "migrate") return db_migrate(*cfg);
    if (cmd == "member") return member_cmd(*cfg, *args);
    if (cmd == "pos" && sub == "send") return pos_send(*cfg, *args);
    if (cmd == "deadletter" && sub == "list") return deadletter_list(*cfg, *args);
    if (cmd == "sale" && sub == "show") return sale_show(*cfg, *args);
    if (cmd == "device") return device_cmd(*cfg, *args);
    if (cmd == "voucher") return voucher_cmd(*cfg, *args);
    if (cmd == "outbox") return outbox_cmd(*cfg, *args);
    if (auto rc = cli::run_loyalty_command(*cfg, args->words, args->opts)) return *rc;
    if (auto rc = cli::run_admin_command(*cfg, args->words, args->opts)) return *rc;
  } catch (const std::exception& e) {
    return fail(e.what());
  }
  std::fputs(kUsage, stderr);
  return fail("unknown command '" + cmd + (sub.empty() ? "" : " " + sub) + "'", 2);
}
