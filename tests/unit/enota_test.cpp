#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include <gtest/gtest.h>

#include "adapters/enota/receipt_html.h"
#include "adapters/enota/receipt_text.h"
#include "adapters/enota/rupiah.h"
#include "adapters/enota/text_layout.h"
#include "adapters/qr/qr_svg.h"

namespace setia::adapters::enota {
namespace {

namespace fs = std::filesystem;

// The receipt from the paper (Marikh, Salatiga, 27 May 2020).
domain::Receipt paper_receipt() {
  domain::Receipt r;
  r.header = {"MARIKH SALATIGA"};
  r.footer = {"Terima Kasih", "Follow IG @marikhsalatiga"};
  r.receipt_no = "20200505234";
  r.local_time = "27/05/2020 11:11";
  r.table = "2";
  r.service = "dine_in";
  r.customer = "Ocha";
  r.lines = {{.name = "Nasi Cakalang", .qty = 4, .unit_price = 13000, .amount = 52000}};
  r.subtotal = 52000;
  r.total = 52000;
  r.paid = 100000;
  r.change = 48000;
  r.points_earned = 52;
  r.points_balance = 172;
  r.url = "https://crm.example/e/7d9a3f0e3b8e4d0c";
  return r;
}

// A receipt with everything: adjustments, long names, big amounts.
domain::Receipt busy_receipt() {
  domain::Receipt r = paper_receipt();
  r.header = {"MARIKH SALATIGA", "Jl. Diponegoro No. 52, Salatiga, Jawa Tengah"};
  r.service = "take_away";
  r.cashier = "kasir-1";
  r.payment_method = "qris";
  r.lines = {{.name = "Kopi Susu Gula Aren Extra Shot Oat Milk Less Sugar",
              .qty = 12,
              .unit_price = 1250000,
              .amount = 15000000},
             {.name = "Es Teh", .qty = 1, .unit_price = 5000, .amount = 5000},
             {.name = "Pisang Goreng Keju Cokelat Supercalifragilisticexpialidocious",
              .qty = 2,
              .unit_price = 17500,
              .amount = 35000}};
  r.subtotal = 15040000;
  r.discount = 40000;
  r.service_charge = 750000;
  r.tax = 1575000;
  r.total = 17325000;
  r.paid = 17400000;
  r.change = 75000;
  return r;
}

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Compares with tests/golden/<name>; SETIA_UPDATE_GOLDEN=1 rewrites the file
// instead (then review the diff before committing it).
void expect_golden(const std::string& name, const std::string& actual) {
  const fs::path path = fs::path(SETIA_SOURCE_DIR) / "tests" / "golden" / name;
  const char* update = std::getenv("SETIA_UPDATE_GOLDEN");
  if (update && std::string(update) == "1") {
    std::ofstream(path, std::ios::binary) << actual;
    GTEST_SKIP() << "rewrote " << path;
  }
  ASSERT_TRUE(fs::exists(path)) << path << " is missing; create it with SETIA_UPDATE_GOLDEN=1";
  EXPECT_EQ(read(path), actual) << "differs from " << path
                                << " (if the change is intended: SETIA_UPDATE_GOLDEN=1, then review the diff)";
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

void expect_fits(const std::string& text, int width) {
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  for (const auto& l : lines_of(text)) {
    EXPECT_LE(text::columns(l), static_cast<std::size_t>(width)) << "'" << l << "'";
    if (!l.empty()) {
      EXPECT_NE(l.back(), ' ') << "trailing space in '" << l << "'";
    }
  }
}

TEST(Rupiah, DotsBetweenThousands) {
  EXPECT_EQ(format_rupiah(0), "Rp 0");
  EXPECT_EQ(format_rupiah(999), "Rp 999");
  EXPECT_EQ(format_rupiah(1000), "Rp 1.000");
  EXPECT_EQ(format_rupiah(52000), "Rp 52.000");
  EXPECT_EQ(format_rupiah(100000), "Rp 100.000");
  EXPECT_EQ(format_rupiah(1234567), "Rp 1.234.567");
  EXPECT_EQ(format_rupiah(-5000), "-Rp 5.000");
  EXPECT_EQ(format_rupiah(-1), "-Rp 1");
  EXPECT_EQ(format_thousands(13000), "13.000");
  EXPECT_EQ(format_thousands(-48000), "-48.000");
}

TEST(Rupiah, ExtremesDoNotOverflow) {
  EXPECT_EQ(format_rupiah(std::numeric_limits<domain::Money>::max()), "Rp 9.223.372.036.854.775.807");
  EXPECT_EQ(format_rupiah(std::numeric_limits<domain::Money>::min()), "-Rp 9.223.372.036.854.775.808");
}

TEST(ReceiptText, PaperReceiptAt58mmMatchesGolden) {
  const std::string text = render_text(paper_receipt(), k58mmColumns);
  expect_fits(text, k58mmColumns);
  expect_golden("enota_marikh_32.txt", text);
}

TEST(ReceiptText, PaperReceiptAt80mmMatchesGolden) {
  const std::string text = render_text(paper_receipt(), k80mmColumns);
  expect_fits(text, k80mmColumns);
  expect_golden("enota_marikh_48.txt", text);
}

TEST(ReceiptText, PaperReceiptShowsWhatThePaperShows) {
  const std::string text = render_text(paper_receipt(), k58mmColumns);
  for (const char* s :
       {"MARIKH SALATIGA", "20200505234", "27/05/2020 11:11", "Dine In", "Ocha", "Nasi Cakalang", "4 x 13.000",
        "52.000", "Rp 52.000", "Rp 100.000", "Rp 48.000", "+52", "172", "Terima Kasih", "Follow IG @marikhsalatiga"})
    EXPECT_NE(text.find(s), std::string::npos) << s;
  // Nothing to adjust: no subtotal, discount, service or tax lines.
  for (const char* s : {"Subtotal", "Diskon", "Service", "Pajak"}) EXPECT_EQ(text.find(s), std::string::npos) << s;
}

TEST(ReceiptText, GuestReceiptHasNoPointsSection) {
  auto r = paper_receipt();
  r.points_earned.reset();
  r.points_balance.reset();
  r.customer.reset();
  const std::string text = render_text(r, k58mmColumns);
  EXPECT_EQ(text.find("Poin"), std::string::npos);
  EXPECT_EQ(text.find("Pelanggan"), std::string::npos);
}

TEST(ReceiptText, BusyReceiptFitsBothWidthsAndShowsAdjustments) {
  for (int width : {k58mmColumns, k80mmColumns}) {
    SCOPED_TRACE(width);
    const std::string text = render_text(busy_receipt(), width);
    expect_fits(text, width);
    for (const char* s :
         {"Subtotal", "Rp 15.040.000", "Diskon", "-Rp 40.000", "Service", "Rp 750.000", "Pajak", "Rp 1.575.000",
          "Rp 17.325.000", "Bayar (QRIS)", "Take Away", "kasir-1", "12 x 1.250.000", "15.000.000"})
      EXPECT_NE(text.find(s), std::string::npos) << s;
  }
}

TEST(ReceiptText, LongNamesWrapAtSpacesAndLongWordsAreCut) {
  const auto lines = lines_of(render_text(busy_receipt(), k58mmColumns));
  auto at = std::find(lines.begin(), lines.end(), "Kopi Susu Gula Aren Extra Shot");
  ASSERT_NE(at, lines.end());
  EXPECT_EQ(*(at + 1), "Oat Milk Less Sugar");
  EXPECT_EQ(*(at + 2), "  12 x 1.250.000      15.000.000");
  auto word = std::find(lines.begin(), lines.end(), "Supercalifragilisticexpialidocio");
  EXPECT_NE(word, lines.end());
}

TEST(ReceiptText, ControlCharactersCannotReachThePrinter) {
  auto r = paper_receipt();
  r.customer =
      "Ocha\x1b@\x1d"
      "V\n\rX";  // ESC @ (reset), GS V (cut), a line break
  const std::string text = render_text(r, k58mmColumns);
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    EXPECT_TRUE(c == '\n' || (u >= 0x20 && u != 0x7F)) << "control byte " << int(u);
  }
  EXPECT_NE(text.find("Ocha @ V  X"), std::string::npos);
}

TEST(ReceiptText, Utf8CountsAsOneColumnPerCharacter) {
  auto r = paper_receipt();
  r.customer = "Chloé Ñañez";
  const auto lines = lines_of(render_text(r, k58mmColumns));
  auto at = std::find_if(lines.begin(), lines.end(), [](auto& l) { return l.starts_with("Pelanggan"); });
  ASSERT_NE(at, lines.end());
  EXPECT_EQ(text::columns(*at), 32u);
  EXPECT_EQ(text::wrap("ééééé", 2), (std::vector<std::string>{"éé", "éé", "é"}));
}

TEST(ReceiptHtml, PaperReceiptMatchesGolden) {
  const auto r = paper_receipt();
  auto svg = qr::qr_svg(r.url);
  ASSERT_TRUE(svg.has_value());
  expect_golden("enota_marikh.html", render_html(r, *svg));
}

TEST(ReceiptHtml, IsACompleteMobilePageWithTheQrLinkingBack) {
  const auto r = paper_receipt();
  const std::string html = render_html(r, "<svg id=\"q\"></svg>");
  EXPECT_TRUE(html.starts_with("<!DOCTYPE html>\n<html lang=\"id\">"));
  EXPECT_NE(html.find("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"), std::string::npos);
  EXPECT_NE(html.find("<meta charset=\"utf-8\">"), std::string::npos);
  EXPECT_NE(html.find("<style>"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("http://"), std::string::npos);  // nothing loaded from elsewhere
  EXPECT_NE(html.find("<a class=\"qr\" href=\"" + r.url + "\"><svg id=\"q\"></svg></a>"), std::string::npos);
  EXPECT_TRUE(html.ends_with("</html>\n"));
  for (const char* s :
       {"Rp 52.000", "Rp 100.000", "Rp 48.000", "Dine In", "Ocha", "4 &times; Rp 13.000", "+52", "172", "Terima Kasih"})
    EXPECT_NE(html.find(s), std::string::npos) << s;
}

TEST(ReceiptHtml, EscapesEveryField) {
  auto r = paper_receipt();
  r.customer = "<script>alert('x')</script>";
  r.header = {"Kopi & \"Teh\""};
  r.lines[0].name = "<img src=x onerror=alert(1)>";
  r.receipt_no = "1</title><script>";
  const std::string html = render_html(r, "");
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("<h1>Kopi &amp; &quot;Teh&quot;</h1>"), std::string::npos);
  EXPECT_NE(html.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
}

TEST(ReceiptHtml, OnlyWebUrlsBecomeLinks) {
  auto r = paper_receipt();
  r.url = "javascript:alert(1)";
  const std::string html = render_html(r, "<svg></svg>");
  EXPECT_EQ(html.find("href="), std::string::npos);
  EXPECT_EQ(html.find("javascript:"), std::string::npos);
  EXPECT_NE(html.find("<div class=\"qr\"><svg></svg></div>"), std::string::npos);
}

}  // namespace
}  // namespace setia::adapters::enota
