#pragma once

#include <expected>
#include <string_view>

#include "core/domain/refund.h"
#include "core/domain/rejection.h"

namespace setia::core {

// Decodes and validates setia.pos.refund/1 and setia.pos.lookup/1 payloads
// (docs/pos-contract.md). Pure, never throws.
std::expected<domain::Refund, domain::Rejection> decode_refund(std::string_view topic_store, std::string_view payload);
std::expected<domain::Lookup, domain::Rejection> decode_lookup(std::string_view topic_store, std::string_view payload);

}  // namespace setia::core
