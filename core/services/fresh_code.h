#pragma once

#include <expected>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/services/service_error.h"

namespace setia::core {

// Member and voucher codes are random (40 and 60 bits): one that collides
// with a code in use is tried again with a fresh one, at most 5 times.
// `attempt(code)` answers, or nullopt when the store says the code is taken.
template <class T>
std::expected<T, ServiceError> with_fresh_code(
    const std::function<std::string()>& make_code,
    const std::function<std::optional<std::expected<T, ServiceError>>(const std::string&)>& attempt,
    std::string_view what) {
  for (int i = 0; i < 5; ++i) {
    if (auto answer = attempt(make_code())) return std::move(*answer);
  }
  return fail(ServiceError::Kind::unavailable, "could not find a free " + std::string(what));
}

}  // namespace setia::core
