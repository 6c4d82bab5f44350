#pragma once

#include <string>
#include <string_view>

#include "core/domain/voucher_terms.h"

namespace setia::rules {

// The birthday gift: a voucher and a greeting, sent once a year.
struct Birthday {
  int send_at = 9 * 60;  // minutes after store-local midnight
  domain::VoucherTerms voucher;
  std::string message_id;  // Indonesian; may hold {name}
  std::string message_en;  // English; empty: the Indonesian one is used
};

// The greeting in `lang` ("id" or "en"; anything else gets Indonesian) with
// every {name} replaced by `name`.
std::string birthday_message(const Birthday& birthday, std::string_view lang, std::string_view name);

}  // namespace setia::rules
