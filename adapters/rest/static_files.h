#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/rest/http_message.h"

namespace setia::adapters::rest {

// The Content-Security-Policy of a served page: scripts and styles of this
// origin only, never inline; connections to this origin only; images also
// from `more_img` sources (e.g. "blob:").
std::string page_csp(std::string_view more_img = {});

// A folder of files served under a URL prefix: the owner's console at
// /console/ (adapters/web/console), Debian's Chart.js under it, and the
// member's app at /app/. The prefix starts and ends with '/'.
struct StaticMount {
  std::string prefix;  // "/console/"
  std::string dir;     // what it serves; a missing folder serves 404s (logged once at start)
  std::string csp = page_csp();  // of its HTML pages
};

// Serves GET and HEAD of the files under the mounts, read from disk at each
// request (so that an upgrade or an edit shows at the next reload):
//   - a path is percent-decoded, then refused (404) when a segment is empty,
//     "." or "..", starts with '.', or holds a backslash or a NUL;
//   - the file's real path (symlinks resolved) must lie inside the mount's
//     real folder: a symlink never leads out of it;
//   - only known extensions are served, each with its Content-Type;
//   - "<prefix>" serves index.html, "<prefix without the last '/'>" is
//     redirected to "<prefix>";
//   - a validator (ETag from size and modification time) answers
//     If-None-Match with 304; Cache-Control "no-cache" makes the browser
//     ask every time, since no file name carries a version.
class StaticFiles {
 public:
  explicit StaticFiles(std::vector<StaticMount> mounts);

  // The mount a path falls under (the longest prefix), or null.
  const StaticMount* mount_of(const std::string& path) const;
  // The answer for a request under `mount`.
  Response serve(const StaticMount& mount, const Request& request) const;

  bool empty() const { return roots_.empty(); }

 private:
  struct Root {
    StaticMount mount;
    std::optional<std::filesystem::path> real;  // the folder's real path; none: missing
  };
  std::vector<Root> roots_;
};

// The member's app at /app/ (adapters/web/app, docs/member-app.md): as any
// mount, and its QR codes, which it fetches with the member's token (never
// in a URL), shown as blob: URLs.
StaticMount member_app_mount(std::string dir);

// The Content-Type of a served file's extension, empty when not served.
std::string static_content_type(const std::string& extension);

}  // namespace setia::adapters::rest
