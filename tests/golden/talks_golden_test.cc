// Golden vectors of the talks wire, the client's inner payload and the talks
// record's hash chain: bytes written by the encoders of commit 21fb092
// (talks_generate_golden.cc, run once) must be reproduced byte for byte by
// today's encoders and decode back to the same values, so the wire, stored
// app logs and record hash chains never change under a refactor.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

#include "backchannel/crypto/encoding.h"
#include "golden/talks_golden_inputs.h"
#include "testing/status_matchers.h"

namespace backchannel::golden {
namespace {

using ::backchannel::testing::StatusIs;

const std::filesystem::path kData = BC_GOLDEN_DATA_DIR;

std::string ReadText(const std::filesystem::path& rel) {
  std::ifstream f(kData / rel, std::ios::binary);
  EXPECT_TRUE(f.good()) << "missing golden file " << (kData / rel);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

// A hex vector file: one line of lower-case hex.
Bytes ReadHex(const std::filesystem::path& rel) {
  std::string text = ReadText(rel);
  if (!text.empty() && text.back() == '\n') text.pop_back();
  auto bytes = FromHex(text);
  EXPECT_TRUE(bytes.ok()) << rel << " is not hex";
  return bytes.ok() ? *bytes : Bytes{};
}

TEST(GoldenTalks, EveryMessageEncodesToTheCommittedBytes) {
  std::size_t n = 0;
  for (const auto& [name, m] : GoldenTalksMessages()) {
    const Bytes golden = ReadHex("talks/" + name + ".hex");
    ASSERT_FALSE(golden.empty()) << name;
    EXPECT_EQ(AsString(talks::EncodeMessage(m)), AsString(golden)) << name;
    ++n;
  }
  // One per type, every action kind in a submit and an event, every move in
  // a draft, and each optional field set once: a vector silently dropped
  // from the inputs fails here.
  EXPECT_EQ(n, 50u);
}

TEST(GoldenTalks, EveryCommittedMessageDecodesToItsInput) {
  for (const auto& [name, m] : GoldenTalksMessages()) {
    auto decoded = talks::DecodeMessage(ReadHex("talks/" + name + ".hex"));
    ASSERT_OK(decoded.status()) << name;
    EXPECT_TRUE(*decoded == m) << name;
  }
}

TEST(GoldenPayload, EveryKindEncodesToTheCommittedBytes) {
  std::size_t n = 0;
  for (const auto& [name, p] : GoldenPayloads()) {
    const Bytes golden = ReadHex("payload/" + name + ".hex");
    ASSERT_FALSE(golden.empty()) << name;
    EXPECT_EQ(AsString(client::EncodePayload(p)), AsString(golden)) << name;
    auto decoded = client::DecodePayload(golden);
    ASSERT_OK(decoded.status()) << name;
    EXPECT_TRUE(*decoded == p) << name;
    ++n;
  }
  EXPECT_EQ(n, 6u);
}

// The first hello, hello_notext and reset vectors, with a 14-byte mailbox id
// and a 12-byte token: refused by name, as any reply of the wrong size.
TEST(GoldenPayload, TheFirstRepliesWithShortIdsAreRefusedByName) {
  for (const char* name : {"hello_short_ids", "hello_notext_short_ids", "reset_short_ids"}) {
    const Bytes golden = ReadHex(std::string("payload/") + name + ".hex");
    ASSERT_FALSE(golden.empty()) << name;
    EXPECT_THAT(
        client::DecodePayload(golden),
        StatusIs(StatusCode::kInvalidMessage,
                 ::testing::HasSubstr("payload reply mailbox is not the base64url of 16 bytes")))
        << name;
  }
}

TEST(GoldenRecord, TheHashChainIsReproduced) {
  auto entries = GoldenRecordEntries();
  talks::RecordHead head{0, talks::EmptyRecordHash()};
  std::string chain;
  for (auto& e : entries) {
    head = talks::ChainAppend(head, e);
    chain += std::to_string(e.seq) + " " + e.prev + " " + e.hash + "\n";
  }
  EXPECT_EQ(chain, ReadText("talks/record_chain.txt"));
  EXPECT_EQ(talks::RecordToJson("geneva-1", head, entries), ReadText("talks/record_export.json"));

  auto exported = talks::RecordFromJson(ReadText("talks/record_export.json"));
  ASSERT_OK(exported.status());
  const auto verified = talks::VerifyRecord(exported->entries, exported->head);
  EXPECT_TRUE(verified.ok);
  EXPECT_EQ(verified.entries, 3);
  EXPECT_EQ(verified.head, head.hash);
}

}  // namespace
}  // namespace backchannel::golden
