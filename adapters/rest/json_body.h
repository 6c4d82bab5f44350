#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "adapters/rest/http_message.h"

namespace setia::adapters::rest {

// JSON text of a value; invalid UTF-8 from the database (a name typed at a
// till) is replaced, never thrown at the client.
std::string dump_json(const nlohmann::json& j);
Response json_response(const nlohmann::json& j, unsigned status = 200);

// A request body that must be a JSON object, read field by field: every
// problem is a 400 naming the field and what was expected.
class JsonBody {
 public:
  explicit JsonBody(const Request& request);  // throws ApiError (400) unless a JSON object
  explicit JsonBody(nlohmann::json object);   // a nested object of a body, read the same way

  // Refuses fields outside `allowed`: those in `fixed` with "cannot be
  // changed", any other as unknown.
  void only(std::initializer_list<std::string_view> allowed, std::initializer_list<std::string_view> fixed = {}) const;

  bool has(const std::string& key) const { return j_.contains(key); }
  std::optional<std::string> string(const std::string& key, bool required, std::size_t max = 1000) const;
  std::optional<bool> boolean(const std::string& key, bool required) const;
  std::optional<std::int64_t> integer(const std::string& key, bool required, std::int64_t min, std::int64_t max) const;
  const nlohmann::json& json() const { return j_; }

 private:
  nlohmann::json j_;
};

}  // namespace setia::adapters::rest
