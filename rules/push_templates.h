#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace setia::rules {

// A push text a store writes itself: Indonesian, and English for members
// who chose it (empty: the Indonesian one). Placeholders in braces are
// filled in when the push is sent, e.g. "+{points} poin dari nota {receipt_no}".
struct PushTemplate {
  std::string id;
  std::string en;
};

// The rule file's `notifications` section: a template per push kind.
// A kind without one gets Setia's own text.
struct PushTemplates {
  std::map<std::string, PushTemplate, std::less<>> by_kind;

  const PushTemplate* find(std::string_view kind) const {
    auto it = by_kind.find(kind);
    return it == by_kind.end() ? nullptr : &it->second;
  }
};

// The kinds a store may write a template for and the placeholders each one
// may use; empty for any other kind. `birthday` has its own message in the
// birthday section ({name}).
const std::vector<std::string_view>& push_placeholders(std::string_view kind);

// The position of the first '{' in `text` that does not start one of
// `allowed` ("{name}" for "name"), or npos.
std::size_t unknown_placeholder(std::string_view text, const std::vector<std::string_view>& allowed);

// `text` with every {placeholder} replaced by value(placeholder), inserted
// once and never scanned again; other text, and a placeholder value() has
// no value for (nullopt), stay as they are.
std::string fill_placeholders(std::string_view text,
                              const std::function<std::optional<std::string>(std::string_view)>& value);

}  // namespace setia::rules
