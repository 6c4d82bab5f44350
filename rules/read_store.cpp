// How the store runs: what its tills may claim, table reservations, its
// e-nota, push texts and the look of its member app.
#include <algorithm>

#include "rules/push_templates.h"
#include "rules/rule_reader.h"

namespace setia::rules {
namespace {

constexpr std::size_t kMaxEnotaLines = 10;
constexpr std::size_t kMaxClosedDates = 1000;
constexpr std::size_t kMaxPushChars = 500;  // a push body; FCM shows a few lines of it

// "mon" -> {mon}; "mon-fri" -> mon..fri; "fri-mon" wraps over the weekend.
std::optional<std::vector<Weekday>> day_range(std::string_view key) {
  auto dash = key.find('-');
  auto first = parse_weekday(key.substr(0, dash));
  auto last = dash == std::string_view::npos ? first : parse_weekday(key.substr(dash + 1));
  if (!first || !last) return std::nullopt;
  std::vector<Weekday> out;
  for (unsigned d = static_cast<unsigned>(*first);; d = (d + 1) % 7) {
    out.push_back(static_cast<Weekday>(d));
    if (d == static_cast<unsigned>(*last)) break;
  }
  return out;
}

}  // namespace

void RuleReader::sales(const YAML::Node& n, SaleLimits& out) {
  if (!keys(n, "sales", {"future_minutes", "past_days", "max_total"})) return;
  get(n, "future_minutes", "sales.future_minutes", out.future_minutes, 0, 24 * 60);
  get(n, "past_days", "sales.past_days", out.past_days, 1, 3650);
  get(n, "max_total", "sales.max_total", out.max_total, 1, 1'000'000'000'000);
}

std::optional<Reservations> RuleReader::reservations(const YAML::Node& n) {
  if (!keys(n, "reservations",
            {"seats", "slot_minutes", "stay_minutes", "max_party", "lead_minutes", "horizon_days",
             "max_open_per_member", "max_seats_per_member_day", "hours", "closed", "notify_admins"})) {
    return std::nullopt;
  }
  Reservations r;
  if (require(n, "seats", "reservations", "how many seats can be reserved at once")) {
    get(n, "seats", "reservations.seats", r.seats, 1, 10'000);
  }
  get(n, "slot_minutes", "reservations.slot_minutes", r.slot_minutes, 5, 240);
  if (n["slot_minutes"] && r.slot_minutes > 0 && (24 * 60) % r.slot_minutes != 0) {
    error(n["slot_minutes"],
          "reservations.slot_minutes must divide a day (e.g. 15, 20, 30, 60), got " + std::to_string(r.slot_minutes));
  }
  get(n, "stay_minutes", "reservations.stay_minutes", r.stay_minutes, 5, 24 * 60);
  if (n["max_party"]) {
    get(n, "max_party", "reservations.max_party", r.max_party, 1, 10'000);
    if (r.seats > 0 && r.max_party > r.seats) {
      error(n["max_party"], "reservations.max_party (" + std::to_string(r.max_party) + ") is more than the seats (" +
                                std::to_string(r.seats) + ")");
    }
  } else if (r.seats > 0) {
    r.max_party = std::min(r.max_party, r.seats);  // the default, 10, for a smaller room
  }
  get(n, "lead_minutes", "reservations.lead_minutes", r.lead_minutes, 0, 7 * 24 * 60);
  get(n, "horizon_days", "reservations.horizon_days", r.horizon_days, 1, 366);
  get(n, "max_open_per_member", "reservations.max_open_per_member", r.max_open_per_member, 1, 100);
  if (n["max_seats_per_member_day"]) {
    get(n, "max_seats_per_member_day", "reservations.max_seats_per_member_day", r.max_seats_per_member_day, 1,
        1'000'000);
    if (r.max_seats_per_member_day > 0 && r.max_seats_per_member_day < r.max_party) {
      error(n["max_seats_per_member_day"], "reservations.max_seats_per_member_day (" +
                                               std::to_string(r.max_seats_per_member_day) +
                                               ") is less than max_party (" + std::to_string(r.max_party) +
                                               "): a party of max_party could never book");
    }
  } else {
    r.max_seats_per_member_day = 2 * r.max_party;  // two full tables a day: lunch and dinner
  }
  if (require(n, "hours", "reservations", "opening hours, e.g. {mon-fri: \"10:00-22:00\"}")) {
    opening_hours(n["hours"], r);
  }
  if (const auto c = n["closed"]) {
    if (!c.IsSequence() || c.size() > kMaxClosedDates) {
      error(c,
            "reservations.closed must be a list of at most " + std::to_string(kMaxClosedDates) + " dates YYYY-MM-DD");
    } else {
      for (const auto& item : c) {
        if (auto d = date(item, "reservations.closed item")) r.closed.push_back(*d);
      }
      std::sort(r.closed.begin(), r.closed.end());
      r.closed.erase(std::unique(r.closed.begin(), r.closed.end()), r.closed.end());
    }
  }
  if (n["notify_admins"]) r.notify_admins = boolean(n["notify_admins"], "reservations.notify_admins").value_or(false);
  return r;
}

void RuleReader::opening_hours(const YAML::Node& n, Reservations& out) {
  if (!n.IsMap()) {
    error(n, "reservations.hours must be a mapping of days to \"HH:MM-HH:MM\", e.g. {mon-fri: \"10:00-22:00\"}");
    return;
  }
  std::array<int, 7> given_at{};  // the line that gave each day its hours
  for (const auto& kv : n) {
    if (!kv.first.IsScalar()) {
      error(kv.first, "keys in reservations.hours must be days or day ranges");
      continue;
    }
    const std::string key = kv.first.Scalar();
    auto days = day_range(key);
    if (!days) {
      error(kv.first, "reservations.hours keys must be a day (mon..sun) or a range such as mon-fri, got '" + key + "'");
      continue;
    }
    auto hours = window(kv.second, "reservations.hours." + key);
    for (Weekday d : *days) {
      auto& line = given_at[static_cast<std::size_t>(d)];
      if (line != 0) {
        error(kv.first, "reservations.hours gives " + std::string(weekday_name(d)) + " twice (also at line " +
                            std::to_string(line) + ")");
        break;
      }
      line = kv.first.Mark().line + 1;
      out.hours[static_cast<std::size_t>(d)] = hours;
    }
  }
  if (n.size() == 0) {
    error(n, "reservations.hours gives no day; list the days the store takes reservations");
  }
}

void RuleReader::enota(const YAML::Node& n, EnotaRules& out) {
  if (!keys(n, "enota", {"header", "footer", "width"})) return;
  if (n["width"]) {
    if (auto v = integer(n["width"], "enota.width", 0, 1000)) {
      if (*v != 32 && *v != 48) {
        error(n["width"], "enota.width must be 32 (58 mm paper) or 48 (80 mm paper), got " + std::to_string(*v));
      } else {
        out.width = static_cast<int>(*v);
      }
    }
  }
  // A line wider than the paper would wrap mid-word on the printer.
  for (auto [key, lines] : {std::pair{"header", &out.header}, std::pair{"footer", &out.footer}}) {
    if (!n[key]) continue;
    const std::string what = std::string("enota.") + key;
    *lines = texts(n[key], what, kMaxEnotaLines, 1000);
    std::size_t i = 0;
    for (const auto& item : n[key]) {
      if (!item.IsScalar()) {
        ++i;
        continue;
      }
      auto chars = utf8_chars(item.Scalar());
      if (chars && *chars > static_cast<std::size_t>(out.width)) {
        error(item, what + "[" + std::to_string(i) + "] is " + std::to_string(*chars) +
                        " characters, wider than the receipt (width " + std::to_string(out.width) + ")");
      }
      ++i;
    }
  }
}

void RuleReader::notifications(const YAML::Node& n, PushTemplates& out) {
  if (!keys(n, "notifications", {"sale_points", "points_expiring", "promo"})) return;
  for (const char* kind : {"sale_points", "points_expiring", "promo"}) {
    const auto t = n[kind];
    if (!t) continue;
    const std::string what = std::string("notifications.") + kind;
    if (!keys(t, what, {"id", "en"})) continue;
    const auto& allowed = push_placeholders(kind);
    PushTemplate tpl;
    for (auto [key, text_out] : {std::pair{"id", &tpl.id}, std::pair{"en", &tpl.en}}) {
      if (!t[key]) continue;
      const std::string field = what + "." + key;
      auto s = text(t[key], field, kMaxPushChars);
      if (!s) continue;
      placeholders(t[key], field, *s, allowed);
      *text_out = *s;
    }
    if (!t["id"]) error(t, what + " needs 'id' (the Indonesian text; 'en' is optional)");
    out.by_kind[kind] = std::move(tpl);
  }
}

void RuleReader::branding(const YAML::Node& n, Branding& out) {
  if (!keys(n, "branding", {"name", "logo", "primary", "accent"})) return;
  if (n["name"]) {
    if (auto s = text(n["name"], "branding.name", kMaxBrandNameChars)) out.name = *s;
  }
  if (n["logo"]) {
    if (auto s = string(n["logo"], "branding.logo")) {
      if (auto problem = logo_problem(*s)) {
        error(n["logo"], "branding.logo " + *problem);
      } else {
        out.logo = *s;
      }
    }
  }
  for (auto [key, colour] : {std::pair{"primary", &out.primary}, std::pair{"accent", &out.accent}}) {
    if (!n[key]) continue;
    const std::string what = std::string("branding.") + key;
    auto s = string(n[key], what);
    if (!s) continue;
    if (!is_hex_colour(*s)) {
      error(n[key], what + " must be a colour \"#rrggbb\" (quoted: a bare # starts a YAML comment), got '" + *s + "'");
      continue;
    }
    *colour = *s;
  }
}

}  // namespace setia::rules
