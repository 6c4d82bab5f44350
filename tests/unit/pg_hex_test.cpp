// to_hex (adapters/postgres/pg_session.h): every sale's payload reaches
// setia_apply_sale hex-encoded, and a receipt conflict's dead letter keeps
// decode(hex) as the bytes received. Those may be any bytes, not only
// ASCII.
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "adapters/postgres/pg_session.h"

namespace {

using setia::adapters::postgres::to_hex;

TEST(ToHex, EveryByteIsTwoLowerCaseDigits) {
  EXPECT_EQ(to_hex(""), "");
  EXPECT_EQ(to_hex(std::string_view("\x00\x0f\x7f\x80\xff", 5)), "000f7f80ff");
  EXPECT_EQ(to_hex("Kopi \xe2\x98\x95"), "4b6f706920e29895");
}

TEST(ToHex, AllTwoHundredFiftySixBytesInOrder) {
  std::string all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  auto hex = to_hex(all);
  ASSERT_EQ(hex.size(), 512u);
  for (int b = 0; b < 256; ++b) {
    EXPECT_EQ(std::stoi(hex.substr(2 * b, 2), nullptr, 16), b) << "byte " << b;
  }
}

}  // namespace
