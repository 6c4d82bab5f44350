#pragma once

// docs/openapi.yaml for the REST tests (rest_openapi_test.cpp,
// rest_authz_matrix_test.cpp): the document, its operations as
// "METHOD /template", and a request made of an operation's examples.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace setia::it {

inline YAML::Node openapi() { return YAML::LoadFile(std::string(SETIA_SOURCE_DIR) + "/docs/openapi.yaml"); }

inline const std::vector<std::string> kOpenApiMethods{"get", "post", "put", "patch", "delete"};

inline std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

// A $ref to components/parameters resolved.
inline YAML::Node resolve_parameter(const YAML::Node& doc, const YAML::Node& n) {
  if (!n["$ref"]) return n;
  auto ref = n["$ref"].as<std::string>();
  const std::string prefix = "#/components/parameters/";
  return doc["components"]["parameters"][ref.substr(prefix.size())];
}

// An example in YAML as JSON (yaml-cpp's flow style is not JSON): integers
// stay integers, plain true and false are booleans, every other scalar is
// a string.
inline nlohmann::json yaml_to_json(const YAML::Node& n) {
  if (n.IsMap()) {
    nlohmann::json o = nlohmann::json::object();
    for (const auto& kv : n) o[kv.first.as<std::string>()] = yaml_to_json(kv.second);
    return o;
  }
  if (n.IsSequence()) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& v : n) a.push_back(yaml_to_json(v));
    return a;
  }
  long long i = 0;
  if (YAML::convert<long long>::decode(n, i)) return i;
  // A plain (unquoted) true or false is a boolean ("?" is yaml-cpp's tag
  // of a plain scalar); quoted, it stays text.
  if (n.Tag() == "?" && (n.Scalar() == "true" || n.Scalar() == "false")) return n.Scalar() == "true";
  return n.as<std::string>();
}

struct OpenApiOperation {
  std::string method;  // upper case
  std::string path;    // the template, "/v1/me/transactions/{id}"
  YAML::Node op;
  std::string key() const { return method + " " + path; }
};

// Every documented operation, in the document's order.
inline std::vector<OpenApiOperation> openapi_operations(const YAML::Node& doc) {
  std::vector<OpenApiOperation> out;
  for (const auto& p : doc["paths"]) {
    for (const auto& m : kOpenApiMethods) {
      if (auto op = p.second[m]) out.push_back({upper(m), p.first.as<std::string>(), op});
    }
  }
  return out;
}

// A request of one operation: path parameters and required query
// parameters from their `example`s, the JSON body from the request body's
// example ("{}" for a POST without a body, none otherwise). A test may
// change any part before it sends it.
struct ExampleRequest {
  std::string method, path;  // the template
  std::map<std::string, std::string> params, query;
  nlohmann::json body;  // null: no body

  // The path with its parameters, then the query.
  std::string target() const {
    std::string t = path;
    for (const auto& [name, value] : params) {
      auto at = t.find("{" + name + "}");
      if (at != std::string::npos) t.replace(at, name.size() + 2, value);
    }
    char sep = '?';
    for (const auto& [name, value] : query) {
      t += sep + name + "=" + value;
      sep = '&';
    }
    return t;
  }
  std::string body_text() const { return body.is_null() ? "" : body.dump(); }
};

// Adds a test failure for each example the operation lacks.
inline ExampleRequest example_request(const YAML::Node& doc, const OpenApiOperation& o) {
  ExampleRequest r{o.method, o.path, {}, {}, nullptr};
  for (const auto& raw : o.op["parameters"]) {
    auto prm = resolve_parameter(doc, raw);
    std::string name = prm["name"].as<std::string>(), in = prm["in"].as<std::string>();
    if (in == "path") {
      if (!prm["example"]) ADD_FAILURE() << o.path << ": path parameter " << name << " needs an example";
      r.params[name] = prm["example"] ? prm["example"].as<std::string>() : "x";
    } else if (in == "query" && prm["required"] && prm["required"].as<bool>()) {
      if (!prm["example"]) ADD_FAILURE() << o.path << ": required query parameter " << name << " needs an example";
      r.query[name] = prm["example"] ? prm["example"].as<std::string>() : "x";
    }
  }
  if (auto rb = o.op["requestBody"]) {
    auto ex = rb["content"]["application/json"]["example"];
    if (!ex) ADD_FAILURE() << o.key() << ": the request body needs an example";
    r.body = ex ? yaml_to_json(ex) : nlohmann::json::object();
  } else if (o.method == "POST") {
    r.body = nlohmann::json::object();
  }
  return r;
}

}  // namespace setia::it
