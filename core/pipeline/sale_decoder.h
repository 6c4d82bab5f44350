#pragma once

#include <cstddef>
#include <expected>
#include <string_view>

#include "core/domain/rejection.h"
#include "core/domain/sale.h"

namespace setia::core {

// The contract's cap on a POS payload.
inline constexpr std::size_t kMaxPayloadBytes = 64 * 1024;

// Decodes and validates a setia.pos.sale/1 payload that arrived on the topic
// of `topic_store`. Every rule of docs/pos-contract.md is checked here:
// required fields and types, ranges, the arithmetic, the store. A refusal
// names the field and what was expected, and carries the event id whenever
// it could be read. Pure: no I/O, never throws.
std::expected<domain::Sale, domain::Rejection> decode_sale(std::string_view topic_store, std::string_view payload);

// Parses RFC 3339 with a mandatory offset ("Z" or ±HH:MM) into seconds since
// the epoch; nullopt when malformed or out of range.
std::optional<std::int64_t> parse_rfc3339(std::string_view s);

}  // namespace setia::core
