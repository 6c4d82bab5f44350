// core/support/utf8.h: lengths and cuts in code points, never inside one.
#include <gtest/gtest.h>

#include <string>

#include "core/support/utf8.h"

namespace setia {
namespace {

TEST(Utf8, LengthCountsCodePointsNotBytes) {
  EXPECT_EQ(utf8::length(""), 0u);
  EXPECT_EQ(utf8::length("Kopi"), 4u);
  EXPECT_EQ(utf8::length("Kafé Ñusa"), 9u);       // é and Ñ: two bytes each
  EXPECT_EQ(utf8::length("☕ Senja"), 7u);         // ☕: three bytes
}

TEST(Utf8, APrefixNeverSplitsACodePoint) {
  const std::string s = "Kafé☕Ñ";
  EXPECT_EQ(s.substr(0, utf8::prefix_bytes(s, 0)), "");
  EXPECT_EQ(s.substr(0, utf8::prefix_bytes(s, 3)), "Kaf");
  EXPECT_EQ(s.substr(0, utf8::prefix_bytes(s, 4)), "Kafé");
  EXPECT_EQ(s.substr(0, utf8::prefix_bytes(s, 5)), "Kafé☕");
  EXPECT_EQ(utf8::prefix_bytes(s, 6), s.size());
  EXPECT_EQ(utf8::prefix_bytes(s, 60), s.size()) << "longer than the text: all of it";
}

}  // namespace
}  // namespace setia
