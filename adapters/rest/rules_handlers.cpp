// /v1/admin/rules...: the rules in force, and a store's rules edited from
// the owner's console (docs/rules.md, "Rule versions"): check, preview,
// save, versions, diff, restore. The owners' only (staff get 403
// owner_only); a store admin reaches their own store, an admin of every
// store names one with ?store= for everything but GET /v1/admin/rules.
#include <algorithm>
#include <charconv>

#include "adapters/rest/admin_scope.h"
#include "adapters/rest/http_errors.h"
#include "adapters/rest/json_body.h"
#include "adapters/rest/pagination.h"
#include "adapters/rest/rest_api.h"
#include "adapters/rest/rules_json.h"
#include "core/pipeline/refund_flow.h"
#include "core/pipeline/sale_decoder.h"
#include "core/services/rule_versions.h"
#include "core/support/log.h"

namespace setia::adapters::rest {
namespace {

using nlohmann::json;

// A rule file is at most 1 MiB (rules::kMaxRuleFileBytes); the body limit
// (rest.max_body_bytes) answers 413 first when it is lower.
constexpr std::size_t kMaxYaml = std::size_t{1} << 20;

json rule_set_json(const rules::RuleSet& rs) {
  json earn = json::array();
  for (const auto& e : rs.points.earn) earn.push_back(e.name);
  json rewards = json::array();
  for (const auto& r : rs.rewards) rewards.push_back({{"id", r.id}, {"title", r.title}, {"cost", r.cost}});
  json promos = json::array();
  for (const auto& p : rs.promos) promos.push_back({{"id", p.id}, {"title", p.title}});
  json j = {
      {"store", rs.store},
      {"file", rs.file},
      {"timezone", rs.timezone},
      {"currency", rs.currency},
      {"earn_rules", earn},
      {"max_points_per_sale", rs.points.max_per_sale},
      {"sales",
       {{"future_minutes", rs.sales.future_minutes},
        {"past_days", rs.sales.past_days},
        {"max_total", rs.sales.max_total}}},
      {"points_expire_after_days", rs.points.expiry_after_days ? json(*rs.points.expiry_after_days) : json(nullptr)},
      {"rewards", rewards},
      {"promos", promos},
      {"birthday", rs.birthday.has_value()},
      {"reservations", rs.reservations.has_value()},
      {"enota", {{"header", rs.enota.header}, {"footer", rs.enota.footer}}}};
  return j;
}

core::RuleVersions& editor(Call& call) {
  if (!call.backend.rule_versions) throw ApiError(503, "unavailable", "rule versions are not served here");
  return *call.backend.rule_versions;
}

std::string at_time(Call& call, std::int64_t unix_seconds, const std::string& store) {
  return unix_seconds > 0 ? call.time(unix_seconds, store) : std::string();
}

// The store's rules for the console: the stored version (number, the
// newest saved: the base of an edit), the one in force in this setiad,
// and the base's text and its form sections (the text in force while the
// store has no saved version).
json store_rules_json(Call& call, const std::string& store) {
  auto& rv = editor(call);
  auto newest = unwrap(rv.newest(store));
  auto live = rv.live(store);
  const std::string* text = newest ? &newest->yaml : live ? &live->text : nullptr;
  json j = {{"store", store},
            {"version", newest ? newest->version : 0},
            {"saved_at", newest ? json(at_time(call, newest->saved_at, store)) : json(nullptr)},
            {"saved_by", newest ? json(newest->actor) : json(nullptr)},
            {"live_version", live ? live->live_version : 0},
            {"source", !live                    ? "none"
                       : live->live_version > 0 ? "version"
                       : live->own              ? "file"
                                                : "default_file"},
            {"file", live ? json(live->file) : json(nullptr)},
            {"yaml", text ? json(*text) : json(nullptr)},
            {"sections", nullptr}};
  if (text) {
    if (auto sections = form_sections(*text)) j["sections"] = *sections;
  }
  return j;
}

Response get_rules(Call& call) {
  auto store = admin_store(call, false);
  const auto* registry = call.api.deps().rules;
  if (!registry || !call.rules) throw ApiError(503, "unavailable", "no rules are loaded");
  auto status = registry->status();
  auto at = [&](std::chrono::system_clock::time_point t) {
    return call.time(std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count(),
                     store.value_or(""));
  };
  json sets = json::array();
  json files = json::array();
  if (store) {
    // A store admin (or ?store=): the rules that apply to that store only.
    if (const auto* rs = call.rules->for_store(*store)) {
      sets.push_back(rule_set_json(*rs));
      files.push_back(rs->file);
    }
  } else {
    for (const auto& [id, rs] : call.rules->by_store) sets.push_back(rule_set_json(*rs));
    if (call.rules->fallback) sets.push_back(rule_set_json(*call.rules->fallback));
    files = call.rules->files;
  }
  json error = nullptr;
  if (status.last_error) {
    json lines = json::array();
    if (store) {
      // A store admin sees the errors of their own store's file only.
      if (auto it = call.rules->broken.find(*store); it != call.rules->broken.end()) {
        for (const auto& e : it->second) lines.push_back(e.to_string());
      }
    } else {
      for (const auto& e : *status.last_error) lines.push_back(e.to_string());
    }
    if (!lines.empty()) error = {{"at", at(status.failed_at)}, {"errors", lines}};
  }
  json body = {{"version", call.rules->version},
               {"loaded_at", at(status.loaded_at)},
               {"files", files},
               {"rule_sets", sets},
               {"last_reload_error", error}};
  if (store && call.backend.rule_versions) body["store_rules"] = store_rules_json(call, *store);
  return json_response(body);
}

// The candidate of a check, preview or save: {"yaml": the whole file} or
// {"sections": {promos, rewards, birthday}} merged into the text they were
// edited from: the saved version `base` (a save's base_version), else the
// newest saved version, else the store's text in force (a store on the
// default file gets its own, `store:` set to it). Never the text in force
// when versions exist: this setiad may not have loaded the newest yet, and
// merging into an older text would undo the newer version's other sections.
std::string candidate_text(Call& call, const JsonBody& body, const std::string& store,
                           std::optional<int> base = std::nullopt) {
  if (body.has("yaml") == body.has("sections")) {
    throw bad_request("give the candidate as yaml (the whole rule file) or as sections (promos, rewards, birthday)");
  }
  if (body.has("yaml")) return *body.string("yaml", true, kMaxYaml);
  auto& rv = editor(call);
  std::optional<core::RuleVersion> from;
  if (!base) {
    from = unwrap(rv.newest(store));
  } else if (*base > 0) {
    // Missing: the save answers 409 (its base is not the newest).
    if (auto v = rv.get(store, *base)) from = std::move(*v);
  }
  if (from) return merge_sections(from->yaml, body.json()["sections"], std::nullopt);
  auto live = rv.live(store);
  if (!live) {
    return merge_sections("version: 1\nstore: " + store + "\n", body.json()["sections"], std::nullopt);
  }
  return merge_sections(live->text, body.json()["sections"],
                        live->own ? std::nullopt : std::optional<std::string>(store));
}

Response invalid_rules(const std::vector<rules::FieldError>& errors) {
  json list = json::array();
  for (const auto& e : errors) {
    list.push_back({{"field", e.field},
                    {"line", e.line > 0 ? json(e.line) : json(nullptr)},
                    {"column", e.column > 0 ? json(e.column) : json(nullptr)},
                    {"message", e.message}});
  }
  return json_response({{"error",
                         {{"code", "unprocessable"},
                          {"message", std::to_string(errors.size()) + " error(s) in the rules; nothing was saved"},
                          {"reason", "invalid_rules"}}},
                        {"errors", list}},
                       422);
}

Response check_rules(Call& call) {
  auto store = *admin_store(call, true);
  JsonBody body(call.request);
  body.only({"yaml", "sections"});
  auto text = candidate_text(call, body, store);
  auto checked = editor(call).check(store, text);
  if (!checked) return invalid_rules(checked.error());
  json j = {{"ok", true}, {"store", store}, {"yaml", text}, {"sections", nullptr}};
  if (auto sections = form_sections(text)) j["sections"] = *sections;
  return json_response(j);
}

// A text field of the sample (empty when absent); anything but a string is
// a 400 naming where it is (json::value would throw, a 500).
std::string text_field(const json& j, const char* key, const std::string& at) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return "";
  if (!it->is_string() || it->get_ref<const std::string&>().size() > 200) {
    throw bad_request(at + "." + key + " must be a text of at most 200 characters");
  }
  return it->get<std::string>();
}

// The sample sale of a preview, as a form gives it: lines, and optionally
// the time (default now), subtotal and total (default the lines' sum).
domain::Sale sample_sale(Call& call, const json& j, const std::string& store) {
  if (!j.is_object()) throw bad_request("sale must be an object: {items: [{sku, qty, unit_price, category}], total}");
  for (const auto& [key, value] : j.items()) {
    static const char* kKeys[] = {"items", "subtotal", "total", "occurred_at", "member"};
    if (std::none_of(std::begin(kKeys), std::end(kKeys), [&](const char* k) { return key == k; })) {
      throw bad_request("sale." + key + " is unknown (items, subtotal, total, occurred_at, member)");
    }
  }
  const auto& items = j.contains("items") ? j["items"] : json();
  if (!items.is_array() || items.empty() || items.size() > 200) throw bad_request("sale.items: 1 to 200 lines");
  json plan = {{"store_id", store}, {"receipt_no", "preview"}, {"items", json::array()}};
  long long sum = 0;
  std::size_t i = 0;
  for (const auto& line : items) {
    const std::string at = "sale.items[" + std::to_string(i++) + "]";
    if (!line.is_object() || !line.contains("qty") || !line["qty"].is_number_integer() ||
        !line.contains("unit_price") || !line["unit_price"].is_number_integer()) {
      throw bad_request(at + " needs qty and unit_price, whole numbers (rupiah)");
    }
    long long qty = line["qty"], price = line["unit_price"];
    if (qty < 1 || qty > 10000 || price < 0 || price > 1'000'000'000) {
      throw bad_request(at + ": qty 1 to 10000, unit_price 0 to 1000000000");
    }
    sum += qty * price;
    plan["items"].push_back({{"sku", text_field(line, "sku", at)},
                             {"name", text_field(line, "name", at)},
                             {"category", text_field(line, "category", at)},
                             {"qty", qty},
                             {"unit_price", price}});
  }
  auto money = [&](const char* key) {
    if (!j.contains(key)) return sum;
    if (!j[key].is_number_integer() || j[key].get<long long>() < 0) {
      throw bad_request(std::string("sale.") + key + " must be a whole number of rupiah, 0 or more");
    }
    return j[key].get<long long>();
  };
  plan["subtotal"] = money("subtotal");
  plan["total"] = money("total");
  std::string when = text_field(j, "occurred_at", "sale");
  if (when.empty()) {
    when = call.time(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count(),
        store);
  } else if (!core::parse_rfc3339(when)) {
    throw bad_request("sale.occurred_at must be RFC 3339 with an offset, e.g. 2026-12-06T12:30:00+07:00");
  }
  plan["occurred_at"] = when;
  auto sale = core::sale_from_plan(plan.dump());
  if (!sale) throw bad_request("sale: cannot be read");
  return *sale;
}

json outcome_json(const core::SaleOutcome& o) {
  json promos = json::array();
  for (const auto& p : o.promos) promos.push_back({{"id", p.id}, {"title", p.title}, {"discount", p.discount}});
  return {{"has_rules", o.has_rules},
          {"points", o.points.points},
          {"rules", o.points.rule_ids},
          {"rate_points", o.points.rate_points},
          {"multiplier_percent", o.points.multiplier_percent},
          {"bonus_points", o.points.bonus_points},
          {"capped", o.points.capped},
          {"promos", promos}};
}

json side_json(const core::Backtest::Side& s) {
  return {{"points", s.points},
          {"point_value",
           {{"amount", s.point_value.amount},
            {"points", s.point_value.cost},
            {"reward", s.point_value.reward.empty() ? json(nullptr) : json(s.point_value.reward)}}},
          {"liability", s.liability}};
}

Response preview_rules(Call& call) {
  auto store = *admin_store(call, true);
  JsonBody body(call.request);
  body.only({"yaml", "sections", "sale"});
  auto text = candidate_text(call, body, store);
  auto& rv = editor(call);
  auto checked = rv.check(store, text);
  if (!checked) return invalid_rules(checked.error());
  if (!body.has("sale")) throw bad_request("sale is required: {items: [{sku, qty, unit_price, category}]}");
  auto sale = sample_sale(call, body.json()["sale"], store);
  auto p = unwrap(rv.preview(store, *checked, sale));
  const auto& bt = p.backtest;
  return json_response(
      {{"store", store},
       {"sale", {{"occurred_at", sale.occurred_at}, {"subtotal", sale.subtotal}, {"total", sale.total}}},
       {"live", outcome_json(p.live)},
       {"candidate", outcome_json(p.candidate)},
       {"backtest",
        {{"days", bt.days},
         {"since", call.time(bt.since, store)},
         {"member_sales", bt.member_sales},
         {"points_recorded", bt.points_recorded},
         {"live", side_json(bt.live)},
         {"candidate", side_json(bt.candidate)},
         {"points_change", bt.candidate.points - bt.live.points},
         {"liability_change", bt.candidate.liability - bt.live.liability}}}});
}

json version_json(Call& call, const core::RuleVersion& v, bool with_text) {
  json j = {{"store", v.store_id},
            {"version", v.version},
            {"hash", v.hash},
            {"source", v.source},
            {"restored_from", v.restored_from ? json(*v.restored_from) : json(nullptr)},
            {"saved_by", v.saved_by ? json(*v.saved_by) : json(nullptr)},
            {"actor", v.actor},
            {"note", v.note},
            {"saved_at", call.time(v.saved_at, v.store_id)}};
  if (with_text) j["yaml"] = v.yaml;
  return j;
}

std::optional<long long> admin_id(const Call& call) {
  const auto& who = call.who();
  if (who.kind == core::TokenKind::session) return who.admin_id;
  return std::nullopt;
}

Response save_failure(const core::RuleSaveFailure& f) {
  if (!f.fields.empty()) return invalid_rules(f.fields);
  throw to_api_error(*f.error);
}

Response save_rules(Call& call) {
  auto store = *admin_store(call, true);
  JsonBody body(call.request);
  body.only({"yaml", "sections", "base_version", "note"});
  auto base = *body.integer("base_version", true, 0, 1'000'000'000);
  auto note = body.string("note", false, 500).value_or("");
  auto text = candidate_text(call, body, store, static_cast<int>(base));
  auto saved = editor(call).save({.store = store,
                                  .yaml = text,
                                  .base_version = static_cast<int>(base),
                                  .note = note,
                                  .actor = admin_actor(call),
                                  .admin_id = admin_id(call)});
  if (!saved) return save_failure(saved.error());
  log::get("rest")->info("{} saved the rules of store {} as version {}", admin_actor(call), store, saved->version);
  return json_response({{"version", version_json(call, *saved, false)}}, 201);
}

int version_param(const Call& call, const std::string& name) {
  auto n = path_id(call, name, "rule version");
  if (n > 1'000'000'000) throw not_found("no such rule version");
  return static_cast<int>(n);
}

Response list_versions(Call& call) {
  auto store = *admin_store(call, true);
  auto page = unwrap(editor(call).list(store, page_request(call)));
  json body = page_json(page, [&](const auto& v) { return version_json(call, v, false); });
  body["store"] = store;
  return json_response(body);
}

Response get_version(Call& call) {
  auto store = *admin_store(call, true);
  auto v = unwrap(editor(call).get(store, version_param(call, "n")));
  json j = version_json(call, v, true);
  if (auto sections = form_sections(v.yaml)) j["sections"] = *sections;
  return json_response(j);
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    out.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

// A line diff of two texts by their longest common subsequence: every line
// of `a` and `b` once, marked " " (both), "-" (a only) or "+" (b only).
json line_diff(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  const std::size_t n = a.size(), m = b.size();
  if (n * m > 4'000'000)
    throw ApiError(422, "unprocessable",
                   "these versions are too long to compare here (" + std::to_string(n) + " and " + std::to_string(m) +
                       " lines): fetch both texts");
  std::vector<std::uint32_t> lcs((n + 1) * (m + 1), 0);
  auto at = [&](std::size_t i, std::size_t j) -> std::uint32_t& { return lcs[i * (m + 1) + j]; };
  for (std::size_t i = n; i-- > 0;) {
    for (std::size_t j = m; j-- > 0;) {
      at(i, j) = a[i] == b[j] ? at(i + 1, j + 1) + 1 : std::max(at(i + 1, j), at(i, j + 1));
    }
  }
  json out = json::array();
  std::size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] == b[j]) {
      out.push_back({{"op", " "}, {"line", a[i]}});
      ++i, ++j;
    } else if (j < m && (i == n || at(i, j + 1) >= at(i + 1, j))) {
      out.push_back({{"op", "+"}, {"line", b[j++]}});
    } else {
      out.push_back({{"op", "-"}, {"line", a[i++]}});
    }
  }
  return out;
}

// GET .../versions/{n}/diff?against=m: from m (default n - 1) to n.
Response diff_version(Call& call) {
  auto store = *admin_store(call, true);
  auto& rv = editor(call);
  const int n = version_param(call, "n");
  int against = n - 1;
  if (auto it = call.query.find("against"); it != call.query.end() && !it->second.empty()) {
    const auto& s = it->second;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), against);
    if (ec != std::errc() || p != s.data() + s.size() || against < 1) {
      throw bad_request("against must be a version number, 1 or more");
    }
  }
  auto to = unwrap(rv.get(store, n));
  if (against < 1) throw not_found("version 1 has no version before it: give ?against=");
  auto from = unwrap(rv.get(store, against));
  auto lines = line_diff(split_lines(from.yaml), split_lines(to.yaml));
  long long added = 0, removed = 0;
  for (const auto& l : lines) {
    if (l["op"] == "+") ++added;
    if (l["op"] == "-") ++removed;
  }
  return json_response(
      {{"store", store}, {"from", against}, {"to", n}, {"added", added}, {"removed", removed}, {"lines", lines}});
}

Response restore_version(Call& call) {
  auto store = *admin_store(call, true);
  const int n = version_param(call, "n");
  std::optional<std::int64_t> base;
  std::string note;
  if (!call.request.body.empty()) {  // the body is optional
    JsonBody body(call.request);
    body.only({"base_version", "note"});
    base = body.integer("base_version", false, 0, 1'000'000'000);
    note = body.string("note", false, 500).value_or("");
  }
  auto saved = editor(call).restore(store, n, base ? std::optional<int>(static_cast<int>(*base)) : std::nullopt, note,
                                    admin_actor(call), admin_id(call));
  if (!saved) return save_failure(saved.error());
  log::get("rest")->info("{} restored version {} of the rules of store {} as version {}", admin_actor(call), n, store,
                         saved->version);
  return json_response({{"version", version_json(call, *saved, false)}}, 201);
}

}  // namespace

void add_rules_routes(Router& r) {
  r.add("GET", "/v1/admin/rules", Access::owner, get_rules);
  r.add("PUT", "/v1/admin/rules", Access::owner, save_rules);
  r.add("POST", "/v1/admin/rules/check", Access::owner, check_rules);
  r.add("POST", "/v1/admin/rules/preview", Access::owner, preview_rules);
  r.add("GET", "/v1/admin/rules/versions", Access::owner, list_versions);
  r.add("GET", "/v1/admin/rules/versions/{n}", Access::owner, get_version);
  r.add("GET", "/v1/admin/rules/versions/{n}/diff", Access::owner, diff_version);
  r.add("POST", "/v1/admin/rules/versions/{n}/restore", Access::owner, restore_version);
}

}  // namespace setia::adapters::rest
