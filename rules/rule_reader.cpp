#include "rules/rule_reader.h"

#include <tuple>
#include <utility>

#include "core/domain/store_id.h"
#include "rules/push_templates.h"
#include "rules/store_time.h"

namespace setia::rules {

bool is_rule_id(std::string_view s) {
  if (s.empty() || s.size() > 63) return false;
  auto lower_alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!lower_alnum(s.front())) return false;
  for (char c : s) {
    if (!lower_alnum(c) && c != '-' && c != '_') return false;
  }
  return true;
}

std::optional<std::size_t> utf8_chars(std::string_view s) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < s.size(); ++chars) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > s.size()) return std::nullopt;
    std::uint32_t cp = len == 1 ? c : c & (0x7F >> len);
    for (std::size_t k = 1; k < len; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc >> 6) != 0x2) return std::nullopt;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    static constexpr std::uint32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMinForLength[len] || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return std::nullopt;
    i += len;
  }
  return chars;
}

std::optional<std::string> RuleReader::id(const YAML::Node& n, std::string_view what) {
  auto s = string(n, what);
  if (!s) return std::nullopt;
  if (!is_rule_id(*s)) {
    error(n, std::string(what) + " must match [a-z0-9][a-z0-9_-]{0,62} (lower case, digits, '-' and '_'), got '" + *s +
                 "'");
    return std::nullopt;
  }
  return s;
}

std::optional<LocalDate> RuleReader::date(const YAML::Node& n, std::string_view what) {
  auto s = string(n, what);
  if (!s) return std::nullopt;
  auto d = parse_date(*s);
  if (!d) error(n, std::string(what) + " must be a date YYYY-MM-DD that exists (e.g. 2027-08-31), got '" + *s + "'");
  return d;
}

std::optional<int> RuleReader::clock(const YAML::Node& n, std::string_view what) {
  auto s = string(n, what);
  if (!s) return std::nullopt;
  auto m = parse_clock(*s);
  if (!m) error(n, std::string(what) + " must be a time \"HH:MM\" from 00:00 to 23:59, got '" + *s + "'");
  return m;
}

std::optional<TimeWindow> RuleReader::window(const YAML::Node& n, std::string_view what) {
  auto s = string(n, what);
  if (!s) return std::nullopt;
  auto dash = s->find('-');
  auto start = dash == std::string::npos ? std::nullopt : parse_clock(std::string_view(*s).substr(0, dash));
  auto end = dash == std::string::npos ? std::nullopt : parse_clock(std::string_view(*s).substr(dash + 1), true);
  if (!start || !end) {
    error(n, std::string(what) + " must be \"HH:MM-HH:MM\" (00:00 to 23:59, the end may be 24:00), got '" + *s + "'");
    return std::nullopt;
  }
  if (*end <= *start) {
    error(n, std::string(what) + " must end after it starts, got '" + *s +
                 "' (a window never crosses midnight: split it in two rules)");
    return std::nullopt;
  }
  return TimeWindow{*start, *end};
}

DaySet RuleReader::days(const YAML::Node& n, std::string_view what) {
  DaySet out;
  if (!n.IsSequence() || n.size() == 0) {
    error(n, std::string(what) + " must be a non-empty list of days: mon, tue, wed, thu, fri, sat, sun");
    return out;
  }
  for (const auto& item : n) {
    auto s = string(item, std::string(what) + " item");
    if (!s) continue;
    auto d = parse_weekday(*s);
    if (!d)
      error(item, std::string(what) + " items must be one of mon, tue, wed, thu, fri, sat, sun, got '" + *s + "'");
    else if (out.has(*d))
      error(item, std::string(what) + " lists '" + *s + "' twice");
    else
      out.add(*d);
  }
  return out;
}

std::optional<std::string> RuleReader::text(const YAML::Node& n, std::string_view what, std::size_t max_chars) {
  auto s = string(n, what);
  if (!s) return std::nullopt;
  auto chars = utf8_chars(*s);
  if (!chars) {
    error(n, std::string(what) + " is not valid UTF-8");
    return std::nullopt;
  }
  for (unsigned char c : *s) {
    if (c < 0x20 || c == 0x7F) {
      error(n, std::string(what) + " must be one line without control characters");
      return std::nullopt;
    }
  }
  if (*chars > max_chars) {
    error(n, std::string(what) + " is " + std::to_string(*chars) + " characters long, at most " +
                 std::to_string(max_chars));
    return std::nullopt;
  }
  return s;
}

std::vector<std::string> RuleReader::texts(const YAML::Node& n, std::string_view what, std::size_t max_items,
                                           std::size_t max_chars) {
  std::vector<std::string> out;
  if (!n.IsSequence()) {
    error(n, std::string(what) + " must be a list of strings");
    return out;
  }
  if (n.size() > max_items)
    error(n, std::string(what) + " has " + std::to_string(n.size()) + " items, at most " + std::to_string(max_items));
  std::size_t i = 0;
  for (const auto& item : n) {
    if (auto s = text(item, std::string(what) + "[" + std::to_string(i) + "]", max_chars)) out.push_back(*s);
    ++i;
  }
  return out;
}

void RuleReader::claim_id(const YAML::Node& at, const std::string& id, std::string_view kind) {
  auto m = at.Mark();
  Claimed here{m.line + 1, m.column + 1, std::string(kind)};
  auto [it, fresh] = ids_.try_emplace(id, here);
  if (fresh) return;
  // Sections are read in a fixed order, not the file's: report the later
  // of the two places, naming the earlier.
  Claimed first = it->second, second = here;
  if (std::tie(second.line, second.column) < std::tie(first.line, first.column)) std::swap(first, second);
  errors.push_back({file(), second.line, second.column,
                    "duplicate id '" + id + "': already the name of " + first.kind + " at line " +
                        std::to_string(first.line) + " (earn rule names, reward ids and promo ids must all differ)"});
}

bool RuleReader::require(const YAML::Node& map, const char* key, std::string_view what, std::string_view hint) {
  if (map[key]) return true;
  error(map, std::string(what) + " needs '" + key + "' (" + std::string(hint) + ")");
  return false;
}

void RuleReader::date_order(const YAML::Node& until_node, std::optional<LocalDate> from, std::optional<LocalDate> until,
                            std::string_view what) {
  if (from && until && *until < *from) {
    error(until_node, std::string(what) + " until " + until->to_string() + " is before from " + from->to_string());
  }
}

RuleSet RuleReader::read_file(const YAML::Node& root) {
  RuleSet rs;
  rs.file = file();
  if (!keys(root, "a rule file",
            {"version", "store", "timezone", "currency", "points", "sales", "rewards", "promos", "birthday",
             "reservations", "enota", "notifications", "branding"})) {
    return rs;
  }
  if (!root["version"]) {
    error(root, "missing 'version' (expected: version: 1)");
  } else {
    integer(root["version"], "version", 1, 1);
  }
  if (!root["store"]) {
    error(root, "missing 'store' (a store id, or \"*\" for every store without its own file)");
  } else if (auto s = string(root["store"], "store")) {
    if (*s != "*" && !domain::is_valid_store_id(*s)) {
      error(root["store"], "store must be \"*\" or match [a-z0-9][a-z0-9-]{0,62}, got '" + *s + "'");
    }
    rs.store = *s;
  }
  if (!root["timezone"]) {
    error(root, "missing 'timezone' (an IANA name such as Asia/Jakarta, Asia/Makassar or Asia/Jayapura)");
  } else if (auto s = string(root["timezone"], "timezone")) {
    rs.zone = find_zone(*s);
    if (!rs.zone) {
      error(root["timezone"], "unknown time zone '" + *s +
                                  "' (expected an IANA name from the tz database such as Asia/Jakarta, "
                                  "Asia/Makassar or Asia/Jayapura)");
    }
    rs.timezone = *s;
  }
  rs.currency = "IDR";
  if (root["currency"]) {
    if (auto s = string(root["currency"], "currency")) {
      if (*s != "IDR") error(root["currency"], "currency must be IDR (the only one supported), got '" + *s + "'");
    }
  }
  if (root["points"]) points(root["points"], rs.points);
  if (root["sales"]) sales(root["sales"], rs.sales);
  if (root["rewards"]) rewards(root["rewards"], rs.rewards);
  if (root["promos"]) promos(root["promos"], rs.promos);
  if (root["birthday"]) rs.birthday = birthday(root["birthday"]);
  if (root["reservations"]) rs.reservations = reservations(root["reservations"]);
  if (root["enota"]) enota(root["enota"], rs.enota);
  if (root["notifications"]) notifications(root["notifications"], rs.notifications);
  if (root["branding"]) branding(root["branding"], rs.branding);
  return rs;
}

void RuleReader::placeholders(const YAML::Node& n, const std::string& what, std::string_view text,
                              const std::vector<std::string_view>& allowed) {
  const auto at = unknown_placeholder(text, allowed);
  if (at == std::string::npos) return;
  std::string names;
  for (auto name : allowed) names += (names.empty() ? "{" : ", {") + std::string(name) + "}";
  // text() let only valid UTF-8 through, so the prefix counts.
  const auto character = utf8_chars(text.substr(0, at)).value_or(at) + 1;
  error(n, what + " may fill in only " + names + "; '{' at character " + std::to_string(character) +
               " starts something else");
}

}  // namespace setia::rules
