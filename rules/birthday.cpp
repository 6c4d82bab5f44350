#include "rules/birthday.h"

#include "rules/push_templates.h"

namespace setia::rules {

std::string birthday_message(const Birthday& birthday, std::string_view lang, std::string_view name) {
  const std::string& text = lang == "en" && !birthday.message_en.empty() ? birthday.message_en : birthday.message_id;
  return fill_placeholders(text, [&](std::string_view p) -> std::optional<std::string> {
    if (p == "name") return std::string(name);
    return std::nullopt;
  });
}

}  // namespace setia::rules
