#pragma once

// One page of rows the way the Pg stores page them (adapters/postgres,
// page_of): the rows after the cursor, `limit` of them, and the cursor of
// the last one when more follow. For the fakes of the paginated ports.

#include <vector>

#include "core/ports/page.h"

namespace setia::core::fakes {

// `rows` in list order; `key` gives a row's cursor. Rows are listed after
// the cursor when their key is below it (`descending`, newest first) or
// above it.
template <class T, class Key>
Page<T> keyset_page(const std::vector<T>& rows, const PageRequest& page, Key key, bool descending = true) {
  auto after = [&](const Cursor& k) {
    if (!page.after) return true;
    const Cursor& c = *page.after;
    return descending ? (k.a < c.a || (k.a == c.a && k.b < c.b)) : (k.a > c.a || (k.a == c.a && k.b > c.b));
  };
  Page<T> out;
  for (const auto& row : rows) {
    if (!after(key(row))) continue;
    if (static_cast<int>(out.items.size()) == page.limit) {
      out.next = key(out.items.back());
      break;
    }
    out.items.push_back(row);
  }
  return out;
}

}  // namespace setia::core::fakes
