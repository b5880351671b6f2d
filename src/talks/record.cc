// Hash chain of the talks record (record.h).
#include "backchannel/talks/record.h"

#include <limits>
#include <nlohmann/json.hpp>

#include "backchannel/common/encoding.h"
#include "backchannel/crypto/primitives.h"

namespace backchannel::talks {
namespace {

using Json = nlohmann::ordered_json;
constexpr std::string_view kDomain = "backchannel-record-v1";

// The canonical bytes of an entry's content: a JSON array in a fixed order,
// so the hash does not depend on how a store or an export lays fields out.
std::string Canonical(const RecordEntry& e) {
  return Json::array({e.seq, e.time_ms, e.direction, e.peer, e.message}).dump();
}

}  // namespace

// Not braced: {64, '0'} would be the two characters '@' and '0'.
std::string EmptyRecordHash() {
  return std::string(64, '0');  // NOLINT(modernize-return-braced-init-list)
}

std::string ChainHash(const std::string& prev, const RecordEntry& entry) {
  const std::string content = Canonical(entry);
  return ToHex(crypto::Sha256({AsBytes(kDomain), AsBytes(prev), AsBytes(content)}));
}

RecordHead ChainAppend(const RecordHead& head, RecordEntry& entry) {
  entry.seq = head.count + 1;
  entry.prev = head.hash.empty() ? EmptyRecordHash() : head.hash;
  entry.hash = ChainHash(entry.prev, entry);
  return RecordHead{entry.seq, entry.hash};
}

RecordVerification VerifyRecord(const std::vector<RecordEntry>& entries,
                                const std::optional<RecordHead>& head) {
  RecordVerification v;
  std::string prev = EmptyRecordHash();
  std::int64_t expected = 1;
  auto problem = [&](std::int64_t seq, std::string what) {
    v.ok = false;
    v.problems.push_back(RecordProblem{seq, std::move(what)});
  };
  for (const auto& e : entries) {
    // Every entry examined counts, including those reported below: `entries`
    // is the size of the record, not of its good part.
    ++v.entries;
    const std::string n = std::to_string(e.seq);
    // A sequence number no record can reach (an export is input like any
    // other): reported, and kept out of the arithmetic below.
    if (e.seq < 1 || e.seq == std::numeric_limits<std::int64_t>::max()) {
      problem(e.seq, "entry " + n + " has an impossible sequence number");
      continue;
    }
    if (e.seq > expected) {
      problem(e.seq, e.seq == expected + 1 ? "entry " + std::to_string(expected) + " is missing"
                                           : "entries " + std::to_string(expected) + ".." +
                                                 std::to_string(e.seq - 1) + " are missing");
    } else if (e.seq < expected) {
      problem(e.seq, "entry " + n + " is out of order (expected " + std::to_string(expected) + ")");
    } else if (e.prev != prev) {
      problem(e.seq, "entry " + n + " does not follow entry " + std::to_string(e.seq - 1) +
                         " (entries removed or reordered)");
    }
    if (ChainHash(e.prev, e) != e.hash) {
      problem(e.seq, "entry " + n + " was altered (its hash does not match its content)");
    }
    prev = e.hash;
    expected = e.seq + 1;
  }
  v.head = prev;
  if (head) {
    if (head->count > expected - 1) {
      problem(0, "the record ends at entry " + std::to_string(expected - 1) + " but " +
                     std::to_string(head->count) + " were recorded (entries cut off the end)");
    } else if (head->count != expected - 1 || head->hash != prev) {
      problem(0, "the record's head does not match its last entry");
    }
  }
  return v;
}

std::string RecordToJson(const std::string& talks, const RecordHead& head,
                         const std::vector<RecordEntry>& entries) {
  return RecordToJson(talks, head, entries, {});
}

std::string RecordToJson(const std::string& talks, const RecordHead& head,
                         const std::vector<RecordEntry>& entries,
                         const std::vector<std::string>& labels) {
  Json out{{"format", "backchannel-record"},
           {"version", 1},
           {"talks", talks},
           {"head", Json{{"count", head.count}, {"hash", head.hash}}}};
  Json list = Json::array();
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto& e = entries[i];
    Json row{{"seq", e.seq},   {"time_ms", e.time_ms}, {"direction", e.direction},
             {"peer", e.peer}, {"message", e.message}, {"prev", e.prev},
             {"hash", e.hash}};
    if (i < labels.size() && !labels[i].empty()) row["label"] = labels[i];
    list.push_back(std::move(row));
  }
  out["entries"] = std::move(list);
  return out.dump(2) + "\n";
}

Result<ExportedRecord> RecordFromJson(std::string_view text) {
  Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Corrupt("record file is not a JSON object");
  auto str = [](const Json& o, const char* k, std::string* out) -> Status {
    if (!o.contains(k) || !o.at(k).is_string()) {
      return Corrupt(std::string("record field '") + k + "' must be a string");
    }
    *out = o.at(k).get<std::string>();
    return Status::Ok();
  };
  auto num = [](const Json& o, const char* k, std::int64_t* out) -> Status {
    if (!o.contains(k) || !o.at(k).is_number_integer()) {
      return Corrupt(std::string("record field '") + k + "' must be an integer");
    }
    *out = o.at(k).get<std::int64_t>();
    return Status::Ok();
  };
  std::string format;
  BC_RETURN_IF_ERROR(str(j, "format", &format));
  if (format != "backchannel-record") return Corrupt("not a backchannel record (format)");
  std::int64_t version = 0;
  BC_RETURN_IF_ERROR(num(j, "version", &version));
  if (version != 1) {
    return Status(StatusCode::kUnsupportedVersion, "record version " + std::to_string(version));
  }
  ExportedRecord r;
  BC_RETURN_IF_ERROR(str(j, "talks", &r.talks));
  if (!j.contains("head") || !j["head"].is_object()) return Corrupt("record field 'head' missing");
  BC_RETURN_IF_ERROR(num(j["head"], "count", &r.head.count));
  BC_RETURN_IF_ERROR(str(j["head"], "hash", &r.head.hash));
  if (!j.contains("entries") || !j["entries"].is_array()) {
    return Corrupt("record field 'entries' must be an array");
  }
  for (const auto& e : j["entries"]) {
    if (!e.is_object()) return Corrupt("a record entry is not an object");
    RecordEntry entry;
    BC_RETURN_IF_ERROR(num(e, "seq", &entry.seq));
    BC_RETURN_IF_ERROR(num(e, "time_ms", &entry.time_ms));
    BC_RETURN_IF_ERROR(str(e, "direction", &entry.direction));
    BC_RETURN_IF_ERROR(str(e, "peer", &entry.peer));
    BC_RETURN_IF_ERROR(str(e, "message", &entry.message));
    BC_RETURN_IF_ERROR(str(e, "prev", &entry.prev));
    BC_RETURN_IF_ERROR(str(e, "hash", &entry.hash));
    r.entries.push_back(std::move(entry));
  }
  return r;
}

}  // namespace backchannel::talks
