#pragma once

#include <optional>
#include <string>

#include "core/domain/voucher_terms.h"

namespace setia::domain {

// A voucher as issued: its code, owner, terms and where it stands.
struct Voucher {
  std::string code;                        // V-XXXX-XXXX-XXXX
  std::string store_id;
  std::optional<std::string> member_code;  // none: anyone in the store may use it
  std::string title;
  VoucherTerms terms;
  std::string valid_from, valid_until;     // RFC 3339
  std::string status;                      // active | redeemed | expired | void
  std::string source;                      // admin | promo | reward | birthday
  std::optional<std::string> redeemed_receipt;
  std::optional<Money> discount;           // what it took off when redeemed
};

}  // namespace setia::domain
