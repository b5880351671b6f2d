// Embedded page files (static_files.h).
#include "backchannel/webapp/static_files.h"

namespace backchannel::webapp {

std::optional<HttpResponse> StaticFiles::Get(std::string_view path, bool accepts_gzip) const {
  if (path == "/") path = "/index.html";
  // A linear scan: the table holds a handful of files, and a scan needs no
  // promise that it is sorted.
  for (const EmbeddedAsset& a : assets_) {
    if (a.path != path) continue;
    HttpResponse r;
    r.content_type = std::string(a.content_type);
    r.html = a.content_type.substr(0, 9) == "text/html";
    if (accepts_gzip && !a.gzip_body.empty()) {
      r.body = std::string(a.gzip_body);
      r.headers.emplace_back("Content-Encoding", "gzip");
    } else {
      r.body = std::string(a.body);
    }
    r.headers.emplace_back("Vary", "Accept-Encoding");
    return r;
  }
  return std::nullopt;
}

}  // namespace backchannel::webapp
