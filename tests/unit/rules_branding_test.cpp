// The `branding` section: the name, logo and colours of a store's member app.
#include <gtest/gtest.h>

#include <string>

#include "rules/branding.h"
#include "tests/unit/rules_test_support.h"

namespace setia::rules {
namespace {

using test::errors_of;
using test::first_error;
using test::kHead;
using test::load;

// A 2x2 PNG, made once with zlib and struct.
constexpr const char* kPng =
    "data:image/png;base64,"
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGPI9XEEIgYIBQAcFgPpTbD7xgAAAABJRU5ErkJggg==";

std::string branding(const std::string& body) { return std::string(kHead) + "branding:\n" + body; }

TEST(RulesBranding, DefaultsWithoutTheSection) {
  auto rs = load(kHead);
  EXPECT_EQ(rs.branding.name, "");
  EXPECT_EQ(rs.branding.logo, "");
  EXPECT_EQ(rs.branding.primary, "#6d4c41");
  EXPECT_EQ(rs.branding.accent, "#ff8f00");
}

TEST(RulesBranding, NameLogoAndColoursAreRead) {
  auto rs = load(branding("  name: \"Kopi Marikh Salatiga\"\n  logo: \"" + std::string(kPng) +
                          "\"\n  primary: \"#1B5E20\"\n  accent: \"#ffc107\"\n"));
  EXPECT_EQ(rs.branding.name, "Kopi Marikh Salatiga");
  EXPECT_EQ(rs.branding.logo, kPng);
  EXPECT_EQ(rs.branding.primary, "#1B5E20");
  EXPECT_EQ(rs.branding.accent, "#ffc107");
}

TEST(RulesBranding, ColoursMustBeHexRgb) {
  EXPECT_EQ(first_error(branding("  primary: \"green\"\n")),
            "5:12: branding.primary must be a colour \"#rrggbb\" (quoted: a bare # starts a YAML comment), got "
            "'green'");
  EXPECT_EQ(first_error(branding("  accent: \"#fff\"\n")),
            "5:11: branding.accent must be a colour \"#rrggbb\" (quoted: a bare # starts a YAML comment), got '#fff'");
  EXPECT_EQ(first_error(branding("  accent: \"#12345g\"\n")),
            "5:11: branding.accent must be a colour \"#rrggbb\" (quoted: a bare # starts a YAML comment), got "
            "'#12345g'");
}

TEST(RulesBranding, UnknownKeysAndLongNamesAreErrors) {
  EXPECT_EQ(first_error(branding("  colour: \"#000000\"\n")),
            "5:3: unknown key 'colour' in branding (expected one of: name, logo, primary, accent)");
  EXPECT_EQ(first_error(branding("  name: \"" + std::string(61, 'x') + "\"\n")),
            "5:9: branding.name is 61 characters long, at most 60");
}

TEST(RulesBranding, TheLogoMustBeASmallRasterImageAsADataUrl) {
  auto logo_error = [](const std::string& value) { return first_error(branding("  logo: \"" + value + "\"\n")); };
  EXPECT_EQ(logo_error("https://cdn.example/logo.png"),
            "5:9: branding.logo must be a data URL of a PNG, JPEG or WebP image: data:image/png;base64,... (make "
            "one with: echo \"data:image/png;base64,$(base64 -w0 logo.png)\")");
  // SVG may carry script: refused like any other type.
  EXPECT_EQ(logo_error("data:image/svg+xml;base64,PHN2Zz48L3N2Zz4="),
            "5:9: branding.logo must be a data URL of a PNG, JPEG or WebP image: data:image/png;base64,... (make "
            "one with: echo \"data:image/png;base64,$(base64 -w0 logo.png)\")");
  EXPECT_EQ(logo_error("data:image/png;base64,iVBOR w0K"),
            "5:9: branding.logo its data after 'base64,' is not valid base64 (A-Z a-z 0-9 + / and '=' padding, no "
            "spaces)");
  // "GIF89a" is no PNG.
  EXPECT_EQ(logo_error("data:image/png;base64,R0lGODlh"),
            "5:9: branding.logo says PNG but its bytes are not a PNG image");
  // 24 KiB and one byte of PNG-looking data.
  std::string big = "iVBORw0KGgo" + std::string(32776 - 11, 'A');
  EXPECT_EQ(logo_error("data:image/png;base64," + big),
            "5:9: branding.logo is 24582 bytes, at most 24576 (a logo of 192x192 pixels is enough: the app shows "
            "it at 64, a phone's home screen at 192)");
}

TEST(RulesBranding, EveryProblemOfTheSectionIsReported) {
  auto errors = errors_of(branding("  primary: \"red\"\n  accent: \"blue\"\n  logo: \"x\"\n"));
  EXPECT_EQ(errors.size(), 3U);
}

TEST(RulesBranding, ColourCheck) {
  EXPECT_TRUE(is_hex_colour("#a0B1c2"));
  EXPECT_FALSE(is_hex_colour("a0B1c2"));
  EXPECT_FALSE(is_hex_colour("#a0B1c2f"));
  EXPECT_FALSE(logo_problem(kPng).has_value());
}

// The installed app's icon needs the logo's bytes, type and size: read
// from each format's header (the JPEG and WebP ones are headers only, made
// with Python's struct: the reader looks no further).
TEST(RulesBranding, ALogoIsDecodedWithItsPixelSize) {
  struct Case {
    const char* url;
    const char* type;
    int width;
    int height;
  };
  const Case cases[] = {
      {kPng, "image/png", 2, 2},
      // SOI, APP0 (JFIF), SOF0 of 300 x 48, EOI.
      {"data:image/jpeg;base64,/9j/4AAQSkZJRgABAQAAAQABAAD/wAARCAAwASwDASIAAhEBAxEB/9k=", "image/jpeg", 300, 48},
      {"data:image/webp;base64,UklGRhYAAABXRUJQVlA4WAoAAAAAAAAA/wAAvwAA", "image/webp", 256, 192},  // VP8X
      {"data:image/webp;base64,UklGRhIAAABXRUJQVlA4TAUAAAAv/8F/AAA=", "image/webp", 512, 512},      // VP8L
      {"data:image/webp;base64,UklGRhYAAABXRUJQVlA4IAoAAAAAAACdASrAAMAA", "image/webp", 192, 192},  // VP8
  };
  for (const auto& c : cases) {
    auto logo = decode_logo(c.url);
    ASSERT_TRUE(logo.has_value()) << c.url;
    EXPECT_EQ(logo->media_type, c.type) << c.url;
    EXPECT_EQ(logo->width, c.width) << c.url;
    EXPECT_EQ(logo->height, c.height) << c.url;
  }
  EXPECT_EQ(decode_logo(kPng)->bytes.substr(1, 3), "PNG");
  // A JPEG whose header has no frame before its end: good, size unknown.
  auto bare = decode_logo("data:image/jpeg;base64,/9j/2Q==");
  ASSERT_TRUE(bare.has_value());
  EXPECT_EQ(bare->width, 0);
  EXPECT_FALSE(decode_logo("data:image/png;base64,R0lGODlh").has_value());
}

}  // namespace
}  // namespace setia::rules
