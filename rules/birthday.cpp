#include "rules/birthday.h"

namespace setia::rules {

std::string birthday_message(const Birthday& birthday, std::string_view lang, std::string_view name) {
  const std::string& text = lang == "en" && !birthday.message_en.empty() ? birthday.message_en : birthday.message_id;
  constexpr std::string_view kPlaceholder = "{name}";
  std::string out;
  out.reserve(text.size() + name.size());
  std::size_t pos = 0;
  for (std::size_t hit; (hit = text.find(kPlaceholder, pos)) != std::string::npos; pos = hit + kPlaceholder.size()) {
    out.append(text, pos, hit - pos);
    out.append(name);  // inserted once, never scanned again: a name holding "{name}" stays as it is
  }
  out.append(text, pos, std::string::npos);
  return out;
}

}  // namespace setia::rules
