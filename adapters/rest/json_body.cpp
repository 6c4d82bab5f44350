#include "adapters/rest/json_body.h"

#include <algorithm>

#include "adapters/rest/http_errors.h"

namespace setia::adapters::rest {

std::string dump_json(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Response json_response(const nlohmann::json& j, unsigned status) {
  Response r;
  r.status = status;
  r.body = dump_json(j);
  return r;
}

JsonBody::JsonBody(const Request& request) {
  if (request.body.empty()) throw bad_request("the body must be a JSON object");
  j_ = nlohmann::json::parse(request.body, nullptr, false);
  if (j_.is_discarded()) throw bad_request("the body is not valid JSON");
  if (!j_.is_object()) throw bad_request("the body must be a JSON object");
}

JsonBody::JsonBody(nlohmann::json object) : j_(std::move(object)) {
  if (!j_.is_object()) throw bad_request("expected a JSON object");
}

void JsonBody::only(std::initializer_list<std::string_view> allowed,
                    std::initializer_list<std::string_view> fixed) const {
  for (auto it = j_.begin(); it != j_.end(); ++it) {
    const std::string& k = it.key();
    if (std::find(allowed.begin(), allowed.end(), k) != allowed.end()) continue;
    if (std::find(fixed.begin(), fixed.end(), k) != fixed.end()) {
      throw ApiError(400, "invalid", "field '" + k + "' cannot be changed here", "field_not_changeable");
    }
    throw ApiError(400, "invalid", "unknown field '" + k + "'", "unknown_field");
  }
}

std::optional<std::string> JsonBody::string(const std::string& key, bool required, std::size_t max) const {
  auto it = j_.find(key);
  if (it == j_.end() || it->is_null()) {
    if (required) throw bad_request("field '" + key + "' is required");
    return std::nullopt;
  }
  if (!it->is_string()) throw bad_request("field '" + key + "' must be a string");
  auto s = it->get<std::string>();
  if (s.size() > max) throw bad_request("field '" + key + "' must be at most " + std::to_string(max) + " bytes");
  return s;
}

std::optional<bool> JsonBody::boolean(const std::string& key, bool required) const {
  auto it = j_.find(key);
  if (it == j_.end() || it->is_null()) {
    if (required) throw bad_request("field '" + key + "' is required");
    return std::nullopt;
  }
  if (!it->is_boolean()) throw bad_request("field '" + key + "' must be true or false");
  return it->get<bool>();
}

std::optional<std::int64_t> JsonBody::integer(const std::string& key, bool required, std::int64_t min,
                                              std::int64_t max) const {
  auto it = j_.find(key);
  if (it == j_.end() || it->is_null()) {
    if (required) throw bad_request("field '" + key + "' is required");
    return std::nullopt;
  }
  // Money and points are whole numbers: 52000.0 is refused, as on the POS side.
  if (!it->is_number_integer()) throw bad_request("field '" + key + "' must be a whole number");
  auto range = [&] {
    return bad_request("field '" + key + "' must be " + std::to_string(min) + " to " + std::to_string(max));
  };
  if (it->is_number_unsigned() && it->get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) throw range();
  std::int64_t v = it->get<std::int64_t>();
  if (v < min || v > max) throw range();
  return v;
}

}  // namespace setia::adapters::rest
