#pragma once

#include <optional>
#include <string>

#include "core/domain/money.h"

namespace setia::domain {

struct Member {
  long long id = 0;
  std::string store_id;
  std::string code;  // what the member's QR shows, e.g. MAR-7Q2M9XW4
  std::string name;
  std::string phone;
  std::optional<std::string> email;
  std::optional<std::string> birth_date;  // YYYY-MM-DD
  Points points = 0;
  std::string created_at;
};

}  // namespace setia::domain
