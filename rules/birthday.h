#pragma once

#include <string>
#include <string_view>

#include "core/domain/voucher_terms.h"

namespace setia::rules {

// The birthday gift: a voucher and a greeting, sent once a year.
struct Birthday {
  int send_at = 9 * 60;  // minutes after store-local midnight
  // A birth date set or changed fewer than this many days before the
  // birthday brings no gift that year: a date typed in to catch today's
  // voucher waits a year. 0: no wait.
  int notice_days = 30;
  domain::VoucherTerms voucher;
  std::string message_id;  // Indonesian; may hold {name}
  std::string message_en;  // English; empty: the Indonesian one is used
};

// The greeting in `lang` ("id" or "en"; anything else gets Indonesian) with
// every {name} replaced by `name`.
std::string birthday_message(const Birthday& birthday, std::string_view lang, std::string_view name);

}  // namespace setia::rules
