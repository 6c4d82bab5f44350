#pragma once

#include "core/domain/sale.h"
#include "rules/rule_set.h"

namespace setia::core {

// The points a refund takes back (docs/pos-contract.md): the sale's points
// computed again, by the rules in force, on what is left of the sale after
// all refunds so far and this one (total and subtotal lowered by the
// refunded amount, lines unchanged), never more than the sale earned; the
// difference to what the member still holds from the sale is taken back.
domain::Points refund_reversal(const rules::RuleSet* rules, const domain::Sale& sale, domain::Money refunded_after,
                               domain::Points earned, domain::Points reversed_so_far);

// The sale as the store describes it for a refund plan
// ({store_id, receipt_no, occurred_at, subtotal, total, items}).
std::optional<domain::Sale> sale_from_plan(const std::string& sale_json);

}  // namespace setia::core
