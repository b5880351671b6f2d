// The side's tamper-evident record of talks (docs/talks.md, "Record").
//
// Every talks message a client sends or receives becomes one entry. Entries
// are hash-chained: hash_n = SHA-256("backchannel-record-v1" ‖ hash_{n-1} ‖
// canonical(entry_n)), hash_0 = 32 zero bytes, so altering, removing or
// reordering entries breaks the chain at a place Verify names. The head (the
// count and the last hash) is kept apart from the entries, so cutting entries
// off the end is detected too. Nothing here is signed: the record proves
// integrity to its owner, not authorship to anyone else (deniability).
//
// Thread safety: value types and pure functions.
#ifndef BACKCHANNEL_TALKS_RECORD_H_
#define BACKCHANNEL_TALKS_RECORD_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "backchannel/common/result.h"

namespace backchannel::talks {

struct RecordEntry {
  std::int64_t seq = 0;      // 1, 2, 3, ...
  std::int64_t time_ms = 0;  // when this client recorded it
  std::string direction;     // "in" or "out"
  std::string peer;          // in: who it came from; out: the recipients, comma-separated
  std::string message;       // the talks message, as encoded JSON
  std::string prev;          // hex hash of the previous entry
  std::string hash;          // hex hash of this entry
};

struct RecordHead {
  std::int64_t count = 0;
  std::string hash;  // hex; 64 zeros when empty
};

std::string EmptyRecordHash();
// The hash of `entry` chained after `prev` (ignores entry.prev/.hash).
std::string ChainHash(const std::string& prev, const RecordEntry& entry);
// Fills seq, prev and hash of `entry` to follow `head`; returns the new head.
RecordHead ChainAppend(const RecordHead& head, RecordEntry& entry);

struct RecordProblem {
  std::int64_t seq = 0;  // the entry where the chain breaks (0: the record as a whole)
  std::string what;      // "entry 4 was altered", "entry 7 is missing", ...
};

struct RecordVerification {
  bool ok = true;
  std::int64_t entries = 0;  // entries examined: all of them, good or not
  std::string head;          // hex of the last verified hash
  std::vector<RecordProblem> problems;
};

// Checks sequence numbers, links and hashes in order, and the head when
// given. Each problem says what is wrong where: a gap ("entries 5..6 are
// missing"), a link that names another predecessor (reordered or removed), a
// hash that does not match the content (altered), a head that does not
// match (entries cut off the end, or the head itself altered).
RecordVerification VerifyRecord(const std::vector<RecordEntry>& entries,
                                const std::optional<RecordHead>& head);

// JSON export of the record (one object: head and entries) and its reader,
// so an exported archive can be verified on its own.
std::string RecordToJson(const std::string& talks, const RecordHead& head,
                         const std::vector<RecordEntry>& entries);
// The same with each entry's label (docs/talks.md, "Labels": LabelKey, e.g.
// "unofficial"), one per entry, empty for entries that carry none. The label
// is derived, not recorded: it is outside the hash chain, and the reader
// ignores it.
std::string RecordToJson(const std::string& talks, const RecordHead& head,
                         const std::vector<RecordEntry>& entries,
                         const std::vector<std::string>& labels);
struct ExportedRecord {
  std::string talks;
  RecordHead head;
  std::vector<RecordEntry> entries;
};
// kCorrupt naming the field for a malformed file.
Result<ExportedRecord> RecordFromJson(std::string_view text);

}  // namespace backchannel::talks

#endif  // BACKCHANNEL_TALKS_RECORD_H_
