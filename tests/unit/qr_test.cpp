#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>

#include <gtest/gtest.h>

#include "adapters/qr/qr_png.h"
#include "adapters/qr/qr_svg.h"

namespace setia::adapters::qr {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kSamples = {
    "MKH-7Q2M9XW4",                            // a member code (setia.pos.sale/1 "member")
    "https://crm.example/e/7d9a3f0e3b8e4d0c",  // an e-nota link
    "https://crm.example/e/x?store=marikh-salatiga&receipt=20200505234&lang=id#top",
};

struct CommandResult {
  int status = -1;
  std::string out;
};

// Runs a shell command; `out` is its stdout (and stderr, unless the command
// sends it elsewhere itself).
CommandResult run(const std::string& command) {
  CommandResult r;
  FILE* p = popen((command.find("2>") == std::string::npos ? command + " 2>&1" : command).c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf;
  std::size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int st = pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

// The decoders are in SETIA_DEPS (deploy/services.sh); a machine without
// them fails here rather than skipping silently.
void require_tool(const char* tool, const char* package) {
  ASSERT_EQ(run(std::string("command -v ") + tool).status, 0)
      << tool << " not found: apt-get install " << package << " (tests/run.sh installs SETIA_DEPS)";
}

class QrTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string test = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    dir_ = fs::temp_directory_path() / ("setia-qr-" + std::to_string(getpid()) + "-" + test);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write(const std::string& name, const void* data, std::size_t size) {
    fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary).write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
    return p;
  }

  // What zbarimg reads from an image: the symbol's text, exactly. Its
  // stderr (D-Bus chatter on machines without a system bus) stays apart.
  std::string decode(const fs::path& image) {
    const fs::path err = dir_ / "zbarimg.err";
    CommandResult r = run("zbarimg --quiet --raw '" + image.string() + "' 2>'" + err.string() + "'");
    std::ifstream e(err);
    EXPECT_EQ(r.status, 0) << r.out << std::string(std::istreambuf_iterator<char>(e), {});
    if (!r.out.empty() && r.out.back() == '\n') r.out.pop_back();
    return r.out;
  }

  fs::path dir_;
};

// The dark modules an SVG's path draws, read back from its "Mx yhNv1h-Nz" runs.
std::vector<std::uint8_t> modules_from_svg(const std::string& svg, int width) {
  std::vector<std::uint8_t> dark(static_cast<std::size_t>(width * width), 0);
  static const std::regex run_re(R"(M(\d+) (\d+)h(\d+)v1h-(\d+)z)");
  const auto d_start = svg.find(" d=\"");
  const std::string d = svg.substr(d_start + 4, svg.find('"', d_start + 4) - d_start - 4);
  for (std::sregex_iterator it(d.begin(), d.end(), run_re), end; it != end; ++it) {
    const int x = std::stoi((*it)[1]) - kQuietZone, y = std::stoi((*it)[2]) - kQuietZone, n = std::stoi((*it)[3]);
    EXPECT_EQ(n, std::stoi((*it)[4]));
    for (int i = 0; i < n; ++i)
      dark.at(static_cast<std::size_t>(y) * static_cast<std::size_t>(width) + static_cast<std::size_t>(x + i)) = 1;
  }
  return dark;
}

std::uint32_t be32(const std::vector<unsigned char>& b, std::size_t at) {
  return std::uint32_t{b[at]} << 24 | std::uint32_t{b[at + 1]} << 16 | std::uint32_t{b[at + 2]} << 8 | b[at + 3];
}

TEST_F(QrTest, PngDecodesBackToTheInput) {
  require_tool("zbarimg", "zbar-tools");
  for (std::size_t i = 0; i < kSamples.size(); ++i) {
    auto png = qr_png(kSamples[i], 4);
    ASSERT_TRUE(png.has_value()) << to_string(png.error());
    EXPECT_EQ(decode(write("s" + std::to_string(i) + ".png", png->data(), png->size())), kSamples[i]);
  }
}

TEST_F(QrTest, SvgRendersAndDecodesBackToTheInput) {
  require_tool("zbarimg", "zbar-tools");
  require_tool("rsvg-convert", "librsvg2-bin");
  for (std::size_t i = 0; i < kSamples.size(); ++i) {
    auto svg = qr_svg(kSamples[i]);
    ASSERT_TRUE(svg.has_value()) << to_string(svg.error());
    const fs::path in = write("s" + std::to_string(i) + ".svg", svg->data(), svg->size());
    const fs::path out = dir_ / ("s" + std::to_string(i) + ".png");
    CommandResult r = run("rsvg-convert --width 400 --height 400 -o '" + out.string() + "' '" + in.string() + "'");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(decode(out), kSamples[i]);
  }
}

TEST_F(QrTest, SvgPathDrawsExactlyTheEncodedModules) {
  for (const auto& text : kSamples) {
    auto m = encode(text);
    ASSERT_TRUE(m.has_value());
    const std::string svg = to_svg(*m);
    EXPECT_EQ(modules_from_svg(svg, m->width), m->dark) << text;
    const std::string size = std::to_string(m->width + 2 * kQuietZone);
    EXPECT_NE(svg.find("viewBox=\"0 0 " + size + " " + size + "\""), std::string::npos);
    EXPECT_NE(svg.find("shape-rendering=\"crispEdges\""), std::string::npos);
    EXPECT_EQ(svg.find("<path", svg.find("<path") + 1), std::string::npos) << "more than one <path>";
  }
}

TEST_F(QrTest, PngIsEightBitGrayWithQuietZoneAtScale) {
  auto m = encode(kSamples[0]);
  ASSERT_TRUE(m.has_value());
  auto png = to_png(*m, 5);
  ASSERT_TRUE(png.has_value());
  ASSERT_GT(png->size(), 33u);
  EXPECT_EQ(std::string(png->begin() + 1, png->begin() + 4), "PNG");
  EXPECT_EQ(std::string(png->begin() + 12, png->begin() + 16), "IHDR");
  const std::uint32_t side = static_cast<std::uint32_t>((m->width + 2 * kQuietZone) * 5);
  EXPECT_EQ(be32(*png, 16), side);
  EXPECT_EQ(be32(*png, 20), side);
  EXPECT_EQ((*png)[24], 8);  // bit depth
  EXPECT_EQ((*png)[25], 0);  // colour type: grayscale
}

TEST_F(QrTest, RefusesWhatCannotBeEncoded) {
  EXPECT_EQ(qr_svg("").error(), QrError::bad_input);
  EXPECT_EQ(qr_png(std::string("a\0b", 3), 4).error(), QrError::bad_input);
  EXPECT_EQ(qr_svg(std::string(3000, 'x')).error(), QrError::too_long);
  EXPECT_EQ(qr_png(std::string(3000, 'x'), 4).error(), QrError::too_long);
  EXPECT_TRUE(qr_svg(std::string(2000, 'x')).has_value());  // version 40-M holds 2,331 bytes
}

}  // namespace
}  // namespace setia::adapters::qr
