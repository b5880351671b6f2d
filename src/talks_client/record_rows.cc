// Record entries as app-log rows (record_rows.h).
#include "talks_client/record_rows.h"

#include <nlohmann/json.hpp>

namespace backchannel::talks_client {

std::string RecordRow(const talks::RecordEntry& e) {
  return nlohmann::ordered_json{{"time_ms", e.time_ms}, {"direction", e.direction},
                                {"peer", e.peer},       {"message", e.message},
                                {"prev", e.prev},       {"hash", e.hash}}
      .dump();
}

Result<talks::RecordEntry> RecordEntryFromRow(std::int64_t seq, const Bytes& row) {
  auto j = nlohmann::json::parse(row.begin(), row.end(), nullptr, false);
  auto str = [&](const char* k) {
    return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string();
  };
  if (j.is_discarded() || !j.is_object() || !j.contains("time_ms") ||
      !j["time_ms"].is_number_integer()) {
    return Corrupt("entry " + std::to_string(seq) + " is not a record entry");
  }
  talks::RecordEntry e;
  e.seq = seq;
  e.time_ms = j["time_ms"].get<std::int64_t>();
  e.direction = str("direction");
  e.peer = str("peer");
  e.message = str("message");
  e.prev = str("prev");
  e.hash = str("hash");
  return e;
}

}  // namespace backchannel::talks_client
