#include "adapters/rest/static_files.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "adapters/rest/http_errors.h"
#include "adapters/rest/router.h"
#include "core/support/log.h"

namespace setia::adapters::rest {
namespace {

namespace fs = std::filesystem;

// Larger files are not ours to serve (Chart.js, the largest, is 550 KB).
constexpr std::uintmax_t kMaxFileBytes = 4 * 1024 * 1024;

Response not_here() { return error_response(not_found("no such file")); }

// The path below the mount, as segments; none when it is not a plain
// relative path of visible names.
std::optional<std::vector<std::string>> safe_segments(const std::string& rest) {
  std::vector<std::string> out;
  if (rest.empty()) return out;
  std::size_t from = 0;
  while (from <= rest.size()) {
    auto slash = rest.find('/', from);
    if (slash == std::string::npos) slash = rest.size();
    auto raw = rest.substr(from, slash - from);
    auto seg = percent_decode(raw, false);
    if (!seg || seg->empty() || seg->front() == '.' ||
        seg->find_first_of(std::string("/\\\0", 3)) != std::string::npos) {
      return std::nullopt;
    }
    out.push_back(std::move(*seg));
    from = slash + 1;
  }
  return out;
}

std::string etag_of(std::uintmax_t size, fs::file_time_type mtime) {
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(mtime.time_since_epoch()).count();
  return fmt::format("\"{:x}-{:x}\"", size, static_cast<unsigned long long>(ns));
}

bool etag_matches(const std::string& if_none_match, const std::string& etag) {
  if (if_none_match.empty()) return false;
  if (if_none_match == "*") return true;
  // A list of tags, each possibly weak (W/"...").
  std::size_t from = 0;
  while (from < if_none_match.size()) {
    auto comma = if_none_match.find(',', from);
    if (comma == std::string::npos) comma = if_none_match.size();
    auto tag = if_none_match.substr(from, comma - from);
    tag.erase(0, tag.find_first_not_of(" \t"));
    tag.erase(tag.find_last_not_of(" \t") + 1);
    if (tag.starts_with("W/")) tag.erase(0, 2);
    if (tag == etag) return true;
    from = comma + 1;
  }
  return false;
}

}  // namespace

std::string static_content_type(const std::string& extension) {
  static const std::pair<const char*, const char*> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".webmanifest", "application/manifest+json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
  };
  for (const auto& [ext, type] : kTypes) {
    if (extension == ext) return type;
  }
  return "";
}

StaticFiles::StaticFiles(std::vector<StaticMount> mounts) {
  for (auto& m : mounts) {
    if (m.prefix.size() < 2 || m.prefix.front() != '/' || m.prefix.back() != '/' || m.dir.empty()) continue;
    Root r{std::move(m), std::nullopt};
    std::error_code ec;
    auto real = fs::canonical(r.mount.dir, ec);
    if (!ec && fs::is_directory(real, ec)) {
      r.real = real;
    } else {
      log::get("rest")->warn("{} is served from {}, which is not a readable folder: every file there is a 404",
                             r.mount.prefix, r.mount.dir);
    }
    roots_.push_back(std::move(r));
  }
  // The longest prefix first: /console/lib/chart.js/ before /console/.
  std::sort(roots_.begin(), roots_.end(),
            [](const Root& a, const Root& b) { return a.mount.prefix.size() > b.mount.prefix.size(); });
}

const StaticMount* StaticFiles::mount_of(const std::string& path) const {
  for (const auto& r : roots_) {
    const auto& p = r.mount.prefix;
    if (path.starts_with(p) || path == p.substr(0, p.size() - 1)) return &r.mount;
  }
  return nullptr;
}

Response StaticFiles::serve(const StaticMount& mount, const Request& request) const {
  const Root* root = nullptr;
  for (const auto& r : roots_) {
    if (&r.mount == &mount) root = &r;
  }
  if (!root) return not_here();
  if (request.method != "GET" && request.method != "HEAD") {
    auto res = error_response(ApiError(405, "method_not_allowed", "use GET or HEAD on this path"));
    res.headers.emplace_back("Allow", "GET, HEAD");
    return res;
  }
  if (request.path.size() < mount.prefix.size()) {
    // "/console": the pages' relative links need the trailing '/'.
    Response res{301, "text/plain; charset=utf-8", "", {}, false};
    res.headers.emplace_back("Location", mount.prefix);
    return res;
  }
  if (!root->real) return not_here();
  auto segments = safe_segments(request.path.substr(mount.prefix.size()));
  if (!segments) return not_here();
  fs::path file = *root->real;
  for (const auto& s : *segments) file /= s;
  if (segments->empty()) file /= "index.html";  // "<prefix>"; "<prefix>x/" has an empty segment, refused above

  std::error_code ec;
  auto real = fs::canonical(file, ec);
  if (ec) return not_here();
  // Inside the mount's folder, symlinks resolved.
  auto rel = real.lexically_relative(*root->real);
  if (rel.empty() || *rel.begin() == "..") return not_here();
  if (!fs::is_regular_file(real, ec)) return not_here();
  const auto type = static_content_type(file.extension().string());
  if (type.empty()) return not_here();
  auto size = fs::file_size(real, ec);
  if (ec || size > kMaxFileBytes) return not_here();
  auto mtime = fs::last_write_time(real, ec);
  if (ec) return not_here();

  Response res{200, type, "", {}, false};
  const auto etag = etag_of(size, mtime);
  res.headers.emplace_back("ETag", etag);
  res.headers.emplace_back("Cache-Control", "no-cache");
  if (type.starts_with("text/html")) {
    res.headers.emplace_back("Content-Security-Policy", mount.csp);
    res.headers.emplace_back("Referrer-Policy", "no-referrer");
    res.headers.emplace_back("Cross-Origin-Opener-Policy", "same-origin");
  }
  if (etag_matches(request.if_none_match, etag)) {
    res.status = 304;
    return res;
  }
  if (request.method == "HEAD") return res;
  std::ifstream in(real, std::ios::binary);
  std::ostringstream body;
  body << in.rdbuf();
  if (!in.good() && !in.eof()) return not_here();
  res.body = std::move(body).str();
  return res;
}

std::string page_csp(std::string_view more_img) {
  std::string img = "img-src 'self' data:";
  if (!more_img.empty()) img += " " + std::string(more_img);
  return "default-src 'self'; script-src 'self'; style-src 'self'; " + img +
         "; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
}

StaticMount member_app_mount(std::string dir) {
  return {.prefix = "/app/", .dir = std::move(dir), .csp = page_csp("blob:")};
}

}  // namespace setia::adapters::rest
