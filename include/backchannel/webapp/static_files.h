// The page's files from a table of EmbeddedAsset (embedded_assets.h): the
// production table is compiled into the binary; tests pass their own.
// They need no session: they hold no data, only code.
#ifndef BACKCHANNEL_WEBAPP_STATIC_FILES_H_
#define BACKCHANNEL_WEBAPP_STATIC_FILES_H_

#include <optional>
#include <span>

#include "backchannel/webapp/embedded_assets.h"
#include "backchannel/webapp/http_types.h"

namespace backchannel::webapp {

class StaticFiles {
 public:
  explicit StaticFiles(std::span<const EmbeddedAsset> assets) : assets_(assets) {}

  // GET of `path` ("/" is "/index.html"); nothing when no file has it.
  // The gzip body when the browser accepts it and the table has one.
  std::optional<HttpResponse> Get(std::string_view path, bool accepts_gzip) const;

 private:
  std::span<const EmbeddedAsset> assets_;
};

}  // namespace backchannel::webapp

#endif  // BACKCHANNEL_WEBAPP_STATIC_FILES_H_
