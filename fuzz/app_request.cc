// Fuzz target: the application core's request decoder and validator
// (include/backchannel/app/request.h). Never a crash; a refused request is an
// error of the schema (a listed code, a message) and the same bytes are
// refused the same way again (decoding holds no state); an accepted request
// validates again as built.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "backchannel/app/error.h"
#include "backchannel/app/json.h"
#include "backchannel/app/request.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace backchannel;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto request = app::DecodeRequest(text);
  if (!request) {
    const app::Error error = app::ErrorFrom(request.error());
    // Every refusal is "invalid_argument" with a message (the schema's error).
    if (error.code != "invalid_argument" || error.message.empty()) std::abort();
    const app::Json doc = app::ErrorDocument(error);
    if (doc["ok"] != false || app::Dump(doc, true).empty()) std::abort();
    auto again = app::DecodeRequest(text);
    if (again || again.error().message() != request.error().message()) std::abort();
    return 0;
  }
  if (!app::ValidateRequest(*request).ok()) std::abort();
  if (app::OpName(*request).empty()) std::abort();
  return 0;
}
