#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace setia::core {

// Where the previous page of a keyset-paginated list ended: the sort key of
// its last row (e.g. time and id). Opaque to clients: the REST adapter
// encodes it as the `next_cursor` string.
struct Cursor {
  std::int64_t a = 0;
  std::int64_t b = 0;
  friend bool operator==(const Cursor&, const Cursor&) = default;
};

struct PageRequest {
  int limit = 20;
  std::optional<Cursor> after;
};

template <class T>
struct Page {
  std::vector<T> items;
  std::optional<Cursor> next;  // none: this was the last page
};

}  // namespace setia::core
