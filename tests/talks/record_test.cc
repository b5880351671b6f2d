// The record's hash chain: an intact chain verifies; altering, removing,
// reordering or cutting entries is found and named; the JSON export
// round-trips and its reader refuses malformed files with kCorrupt.
#include "backchannel/talks/record.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "testing/status_matchers.h"

namespace backchannel::talks {
namespace {

using ::backchannel::testing::StatusIs;

using ::testing::HasSubstr;

struct Chain {
  RecordHead head;
  std::vector<RecordEntry> entries;
};

Chain Build(int n) {
  Chain c;
  for (int i = 1; i <= n; ++i) {
    RecordEntry e;
    e.time_ms = 1'700'000'000'000 + i;
    e.direction = i % 2 ? "out" : "in";
    e.peer = i % 2 ? "02aa,02bb" : "02cc";
    e.message = "{\"v\":1,\"type\":\"chat\",\"text\":\"message " + std::to_string(i) + "\"}";
    c.head = ChainAppend(c.head, e);
    c.entries.push_back(std::move(e));
  }
  return c;
}

// True when some problem at `seq` mentions `what`.
bool HasProblem(const RecordVerification& v, std::int64_t seq, const std::string& what) {
  for (const auto& p : v.problems) {
    if (p.seq == seq && p.what.find(what) != std::string::npos) return true;
  }
  return false;
}

std::string Problems(const RecordVerification& v) {
  std::string out;
  for (const auto& p : v.problems) out += "[" + std::to_string(p.seq) + "] " + p.what + "\n";
  return out;
}

TEST(TalksRecordTest, AppendChains) {
  RecordHead empty;
  EXPECT_EQ(EmptyRecordHash(), std::string(64, '0'));
  Chain c = Build(3);
  EXPECT_EQ(c.head.count, 3);
  EXPECT_EQ(c.entries[0].seq, 1);
  EXPECT_EQ(c.entries[0].prev, EmptyRecordHash());
  EXPECT_EQ(c.entries[1].prev, c.entries[0].hash);
  EXPECT_EQ(c.entries[2].seq, 3);
  EXPECT_EQ(c.head.hash, c.entries[2].hash);
  EXPECT_EQ(c.head.hash.size(), 64u);
  EXPECT_EQ(ChainHash(c.entries[1].prev, c.entries[1]), c.entries[1].hash);
  // The hash covers every field of the content.
  RecordEntry e = c.entries[1];
  for (auto mutate : std::vector<void (*)(RecordEntry&)>{
           [](RecordEntry& x) { x.time_ms += 1; }, [](RecordEntry& x) { x.direction = "out"; },
           [](RecordEntry& x) { x.peer += ","; }, [](RecordEntry& x) { x.message += " "; },
           [](RecordEntry& x) { x.seq += 1; }}) {
    RecordEntry m = e;
    mutate(m);
    EXPECT_NE(ChainHash(m.prev, m), e.hash);
  }
  EXPECT_NE(ChainHash(EmptyRecordHash(), e), e.hash);  // and the link
}

TEST(TalksRecordTest, IntactVerifies) {
  Chain c = Build(5);
  auto v = VerifyRecord(c.entries, c.head);
  EXPECT_TRUE(v.ok) << Problems(v);
  EXPECT_EQ(v.entries, 5);
  EXPECT_EQ(v.head, c.head.hash);
  EXPECT_TRUE(v.problems.empty());
  EXPECT_TRUE(VerifyRecord(c.entries, std::nullopt).ok);
  auto empty = VerifyRecord({}, RecordHead{0, EmptyRecordHash()});
  EXPECT_TRUE(empty.ok) << Problems(empty);
  EXPECT_EQ(empty.head, EmptyRecordHash());
}

TEST(TalksRecordTest, AlteredMessage) {
  Chain c = Build(5);
  c.entries[2].message = "{\"v\":1,\"type\":\"chat\",\"text\":\"we never said that\"}";
  auto v = VerifyRecord(c.entries, c.head);
  EXPECT_FALSE(v.ok);
  EXPECT_TRUE(HasProblem(v, 3, "entry 3 was altered")) << Problems(v);
  EXPECT_EQ(v.problems.size(), 1u) << Problems(v);
}

TEST(TalksRecordTest, AlteredAndRehashed) {
  // Whoever alters an entry and recomputes its hash breaks the next link.
  Chain c = Build(5);
  c.entries[2].direction = "in";
  c.entries[2].hash = ChainHash(c.entries[2].prev, c.entries[2]);
  auto v = VerifyRecord(c.entries, c.head);
  EXPECT_FALSE(v.ok);
  EXPECT_TRUE(HasProblem(v, 4, "does not follow entry 3")) << Problems(v);
  // The last entry rehashed: only the head tells.
  Chain d = Build(5);
  d.entries[4].peer = "someone else";
  d.entries[4].hash = ChainHash(d.entries[4].prev, d.entries[4]);
  EXPECT_TRUE(VerifyRecord(d.entries, std::nullopt).ok);
  auto w = VerifyRecord(d.entries, d.head);
  EXPECT_FALSE(w.ok);
  EXPECT_TRUE(HasProblem(w, 0, "head does not match")) << Problems(w);
}

TEST(TalksRecordTest, RemovedMiddleEntry) {
  Chain c = Build(5);
  c.entries.erase(c.entries.begin() + 2);
  auto v = VerifyRecord(c.entries, c.head);
  EXPECT_FALSE(v.ok);
  EXPECT_TRUE(HasProblem(v, 4, "entry 3 is missing")) << Problems(v);
  Chain d = Build(6);
  d.entries.erase(d.entries.begin() + 1, d.entries.begin() + 3);
  auto w = VerifyRecord(d.entries, d.head);
  EXPECT_TRUE(HasProblem(w, 4, "entries 2..3 are missing")) << Problems(w);
}

TEST(TalksRecordTest, RemovedAndRenumbered) {
  // Renumbering after a removal keeps the sequence but not the links.
  Chain c = Build(5);
  c.entries.erase(c.entries.begin() + 2);
  c.entries[2].seq = 3;
  c.entries[3].seq = 4;
  auto v = VerifyRecord(c.entries, std::nullopt);
  EXPECT_FALSE(v.ok);
  EXPECT_TRUE(HasProblem(v, 3, "does not follow entry 2")) << Problems(v);
}

TEST(TalksRecordTest, SwappedEntries) {
  Chain c = Build(5);
  std::swap(c.entries[1], c.entries[2]);
  auto v = VerifyRecord(c.entries, c.head);
  EXPECT_FALSE(v.ok);
  EXPECT_FALSE(v.problems.empty());
  EXPECT_TRUE(HasProblem(v, 3, "entry 2 is missing")) << Problems(v);
  EXPECT_TRUE(HasProblem(v, 2, "out of order")) << Problems(v);
}

TEST(TalksRecordTest, CutOffTheEnd) {
  Chain c = Build(5);
  c.entries.resize(3);
  EXPECT_TRUE(VerifyRecord(c.entries, std::nullopt).ok) << "without the head a cut is invisible";
  auto v = VerifyRecord(c.entries, c.head);
  EXPECT_FALSE(v.ok);
  EXPECT_TRUE(HasProblem(v, 0, "cut off the end")) << Problems(v);
  EXPECT_TRUE(HasProblem(v, 0, "ends at entry 3 but 5 were recorded")) << Problems(v);
}

TEST(TalksRecordTest, HeadAlteredOrAhead) {
  Chain c = Build(3);
  RecordHead wrong = c.head;
  wrong.hash[0] = wrong.hash[0] == 'a' ? 'b' : 'a';
  EXPECT_TRUE(HasProblem(VerifyRecord(c.entries, wrong), 0, "head does not match"));
  RecordHead behind = c.head;
  behind.count = 2;
  EXPECT_TRUE(HasProblem(VerifyRecord(c.entries, behind), 0, "head does not match"));
}

// Regression test for a bug found by this suite (fixed; was src/talks/record.cc:63, VerifyRecord):
// `expected = e.seq + 1` is a signed overflow (undefined behaviour) for an entry whose seq is
// INT64_MAX, which RecordFromJson accepts from an export; the head check then computes `expected -
// 1` on the wrapped value. Found by fuzz_talks_record under UBSan ("signed integer overflow:
// 9223372036854775807 + 1"); a plain build passes by luck, the asan preset (-fno-sanitize-recover)
// aborts. Fix: refuse seq < 1 or seq == INT64_MAX as a problem before computing with it (or bound
// seq in RecordFromJson).
TEST(TalksRecordTest, AHugeSequenceNumberIsAProblemNotAnOverflow) {
  Chain c = Build(1);
  c.entries[0].seq = std::numeric_limits<std::int64_t>::max();
  c.head.count = c.entries[0].seq;
  auto v = VerifyRecord(c.entries, c.head);
  EXPECT_FALSE(v.ok);
  EXPECT_FALSE(v.problems.empty());
}

// Regression test for fuzz_talks_record (../shared/findings, seq values
// [1, 0, 3]): an entry with an impossible sequence number was reported but
// not counted, so `entries` said 2 for a record of 3 entries. `entries` is
// the number of entries examined, whatever their problems (the CLI and
// TalksService report it as the size of the record).
TEST(TalksRecordTest, EntriesWithImpossibleSequenceNumbersAreCounted) {
  Chain c = Build(3);
  c.entries[1].seq = 0;
  auto v = VerifyRecord(c.entries, std::nullopt);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.entries, 3);
  EXPECT_TRUE(HasProblem(v, 0, "entry 0 has an impossible sequence number")) << Problems(v);
  EXPECT_TRUE(HasProblem(v, 3, "entry 2 is missing")) << Problems(v);

  Chain d = Build(2);
  d.entries[1].seq = std::numeric_limits<std::int64_t>::max();
  auto w = VerifyRecord(d.entries, d.head);
  EXPECT_FALSE(w.ok);
  EXPECT_EQ(w.entries, 2);
}

TEST(TalksRecordTest, JsonRoundTrip) {
  Chain c = Build(4);
  const std::string json = RecordToJson("geneva-1", c.head, c.entries);
  auto r = RecordFromJson(json);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->talks, "geneva-1");
  EXPECT_EQ(r->head.count, c.head.count);
  EXPECT_EQ(r->head.hash, c.head.hash);
  ASSERT_EQ(r->entries.size(), c.entries.size());
  for (std::size_t i = 0; i < c.entries.size(); ++i) {
    const RecordEntry& a = r->entries[i];
    const RecordEntry& b = c.entries[i];
    EXPECT_EQ(a.seq, b.seq);
    EXPECT_EQ(a.time_ms, b.time_ms);
    EXPECT_EQ(a.direction, b.direction);
    EXPECT_EQ(a.peer, b.peer);
    EXPECT_EQ(a.message, b.message);
    EXPECT_EQ(a.prev, b.prev);
    EXPECT_EQ(a.hash, b.hash);
  }
  EXPECT_TRUE(VerifyRecord(r->entries, r->head).ok);
  EXPECT_EQ(RecordToJson(r->talks, r->head, r->entries), json);
  auto empty = RecordFromJson(RecordToJson("t", RecordHead{0, EmptyRecordHash()}, {}));
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->entries.empty());
}

TEST(TalksRecordTest, MalformedExport) {
  Chain c = Build(2);
  const std::string good = RecordToJson("geneva-1", c.head, c.entries);
  auto replace = [&](const std::string& from, const std::string& to) {
    std::string s = good;
    const auto at = s.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return s.replace(at, from.size(), to);
  };
  struct Case {
    std::string text;
    const char* why;
  };
  for (const Case& k : {
           Case{"", "not a JSON object"},
           Case{"not json", "not a JSON object"},
           Case{"[]", "not a JSON object"},
           Case{"{}", "'format'"},
           Case{replace("\"backchannel-record\"", "\"other\""), "format"},
           Case{replace("\"version\": 1", "\"version\": \"1\""), "'version'"},
           Case{replace("\"talks\": \"geneva-1\"", "\"talks\": 7"), "'talks'"},
           Case{replace("\"head\": {", "\"head\": 3, \"x\": {"), "'head'"},
           Case{replace("\"count\": 2", "\"count\": \"2\""), "'count'"},
           Case{replace("\"entries\": [", "\"entries\": \"none\", \"old\": ["), "'entries'"},
           Case{replace("\"entries\": [", "\"entries\": [1, "), "not an object"},
           Case{replace("\"seq\": 1", "\"seq\": 1.5"), "'seq'"},
           Case{replace("\"direction\": \"out\"", "\"direction\": null"), "'direction'"},
           Case{replace("\"peer\": \"02cc\"", "\"peerx\": \"02cc\""), "'peer'"},
       }) {
    auto r = RecordFromJson(k.text);
    ASSERT_FALSE(r) << k.text;
    EXPECT_THAT(r, StatusIs(StatusCode::kCorrupt)) << r.error() << "\n" << k.text;
    EXPECT_THAT(std::string(r.error().message()), HasSubstr(k.why)) << k.text;
  }
  auto v2 = RecordFromJson(replace("\"version\": 1", "\"version\": 2"));
  ASSERT_FALSE(v2);
  EXPECT_THAT(v2, StatusIs(StatusCode::kUnsupportedVersion));
}

}  // namespace
}  // namespace backchannel::talks
