#pragma once

// Reading rows, shared by the stores that list: a list as JSON in one round
// trip, a nullable column, and a page cut from one row too many.

#include <optional>
#include <string>
#include <vector>

#include <soci/soci.h>
#include <nlohmann/json.hpp>

#include "core/ports/page.h"

namespace setia::adapters::postgres {

// One round trip for a list: the rows of `inner` (a SELECT whose columns
// have names) as a JSON array of objects, ordered by `order` (over t).
// SOCI's rowset prepares, executes and deallocates a named statement (three
// round trips); a one-time query of one text value is one (PQexecParams).
template <class... Params>
nlohmann::json json_rows(soci::session& sql, const std::string& inner, const std::string& order, Params&... params) {
  std::string doc;
  const std::string query = "SELECT coalesce(json_agg(t ORDER BY " + order + "), '[]')::text FROM (" + inner + ") t";
  (((sql << query), ..., soci::use(params)), soci::into(doc));
  return nlohmann::json::parse(doc);
}

// A nullable column of a row.
template <class T>
std::optional<T> nullable(const soci::row& r, std::size_t i) {
  if (r.get_indicator(i) != soci::i_ok) return std::nullopt;
  return r.get<T>(i);
}

// Rows fetched one past the page's limit tell whether a next page exists:
// trims the extra row and returns the cursor of the last kept one.
template <class T, class Key>
core::Page<T> page_of(std::vector<T> rows, int limit, Key key) {
  core::Page<T> p;
  if (static_cast<int>(rows.size()) > limit) {
    rows.resize(static_cast<std::size_t>(limit));
    p.next = key(rows.back());
  }
  p.items = std::move(rows);
  return p;
}

}  // namespace setia::adapters::postgres
