// The Store conformance suite (store_conformance.h): behaviour every Store
// implementation shares. Instantiated for SQLite in sqlite_store_test.cc.
#include "relay/store/store_conformance.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <thread>
#include <vector>

namespace backchannel::relay::testing {

std::string MakeTempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern =
      std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/bc_store_test_XXXXXX";
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  const char* made = mkdtemp(buf.data());
  return made != nullptr ? std::string(made) : std::string();
}

void RemoveTree(const std::string& dir) {
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

void StoreConformanceTest::SetUp() {
  dir_ = MakeTempDir();
  ASSERT_FALSE(dir_.empty());
  auto store = GetParam().open(dir_);
  ASSERT_TRUE(store.ok()) << store.status();
  store_ = std::move(*store);
}

void StoreConformanceTest::TearDown() {
  store_.reset();
  RemoveTree(dir_);
}

void StoreConformanceTest::Reopen() {
  store_.reset();
  auto store = GetParam().open(dir_);
  ASSERT_TRUE(store.ok()) << store.status();
  store_ = std::move(*store);
}

namespace {

MATCHER(IsOk, "") {
  *result_listener << arg;
  return arg.ok();
}
MATCHER_P(StatusIs, code, "") {
  *result_listener << arg;
  return arg.code() == code;
}

MailboxId Mailbox(std::uint8_t n) {
  MailboxId id{};
  id.mutable_bytes().fill(n);
  id.mutable_bytes()[0] = 0xB0;
  return id;
}

MessageId MessageN(std::uint32_t n) {
  MessageId id{};
  for (int i = 0; i < 4; ++i) id.mutable_bytes()[i] = static_cast<std::uint8_t>(n >> (8 * i));
  id.mutable_bytes()[15] = 0x4D;
  return id;
}

MailboxRecord Record(std::uint8_t n) {
  MailboxRecord r;
  r.id = Mailbox(n);
  r.auth_key.mutable_bytes().fill(static_cast<std::uint8_t>(n + 1));
  r.delivery_token_hash.mutable_bytes().fill(static_cast<std::uint8_t>(n + 2));
  r.created_ms = 1'700'000'000'000 + n;
  return r;
}

StoredMessage Message(std::uint32_t n, std::int64_t received_ms = 1000) {
  StoredMessage m;
  m.id = MessageN(n);
  m.received_ms = received_ms;
  m.envelope = Bytes(100 + n % 7, static_cast<std::uint8_t>(n));
  return m;
}

OneTimePreKeyRecord PreKey(std::uint32_t id) {
  Bytes key(33, static_cast<std::uint8_t>(id));
  key[0] = 0x05;
  return {id, key};
}

Bytes Nonce(std::uint8_t n) { return Bytes(16, n); }

constexpr std::size_t kMaxQueue = 10'000;

std::vector<std::uint32_t> Ids(const std::vector<StoredMessage>& messages) {
  std::vector<std::uint32_t> out;
  for (const auto& m : messages) {
    out.push_back(static_cast<std::uint32_t>(m.id[0]) | (static_cast<std::uint32_t>(m.id[1]) << 8));
  }
  return out;
}

TEST_P(StoreConformanceTest, CreateAndGetMailbox) {
  ASSERT_THAT(store_->CreateMailbox(Record(1)), IsOk());
  auto got = store_->GetMailbox(Mailbox(1));
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->id, Record(1).id);
  EXPECT_EQ(got->auth_key, Record(1).auth_key);
  EXPECT_EQ(got->delivery_token_hash.bytes(), Record(1).delivery_token_hash.bytes());
  EXPECT_EQ(got->created_ms, Record(1).created_ms);
}

TEST_P(StoreConformanceTest, DuplicateCreateIsRefusedAndChangesNothing) {
  ASSERT_THAT(store_->CreateMailbox(Record(1)), IsOk());
  MailboxRecord other = Record(9);
  other.id = Mailbox(1);
  EXPECT_THAT(store_->CreateMailbox(other), StatusIs(StatusCode::kAlreadyExists));
  auto got = store_->GetMailbox(Mailbox(1));
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->auth_key, Record(1).auth_key);
}

TEST_P(StoreConformanceTest, UnknownMailboxIsNotFoundEverywhere) {
  const MailboxId id = Mailbox(7);
  EXPECT_THAT(store_->GetMailbox(id).status(), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(store_->SetDeliveryToken(id, TokenHash{}), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(store_->PutPreKeys(id, Bytes{1, 2}, {PreKey(1)}, false),
              StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(store_->GetBundleBase(id).status(), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(store_->TakeOneTimePreKey(id).status(), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(store_->CountOneTimePreKeys(id).status(), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(store_->AppendMessage(id, Message(1), MessageLimit(kMaxQueue)),
              StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(store_->ListMessages(id, 10).status(), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(store_->DeleteMessage(id, MessageN(1)), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(store_->CountMessages(id).status(), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(store_->RecordNonce(id, Nonce(1), 10, 0), StatusIs(StatusCode::kNotFound));
  auto all = store_->CountAllMessages();
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(*all, 0u);
}

TEST_P(StoreConformanceTest, SetDeliveryTokenReplacesHash) {
  ASSERT_THAT(store_->CreateMailbox(Record(1)), IsOk());
  TokenHash h{};
  h.mutable_bytes().fill(0xEE);
  ASSERT_THAT(store_->SetDeliveryToken(Mailbox(1), h), IsOk());
  auto got = store_->GetMailbox(Mailbox(1));
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->delivery_token_hash.bytes(), h.bytes());
  EXPECT_EQ(got->auth_key, Record(1).auth_key);
}

TEST_P(StoreConformanceTest, BundleBaseUploadAndReplace) {
  ASSERT_THAT(store_->CreateMailbox(Record(1)), IsOk());
  EXPECT_THAT(store_->GetBundleBase(Mailbox(1)).status(), StatusIs(StatusCode::kNotFound));
  ASSERT_THAT(store_->PutPreKeys(Mailbox(1), Bytes{1, 2, 3}, {}, false), IsOk());
  auto base = store_->GetBundleBase(Mailbox(1));
  ASSERT_TRUE(base.ok()) << base.status();
  EXPECT_EQ(*base, (Bytes{1, 2, 3}));
  ASSERT_THAT(store_->PutPreKeys(Mailbox(1), Bytes{9}, {}, false), IsOk());
  base = store_->GetBundleBase(Mailbox(1));
  ASSERT_TRUE(base.ok());
  EXPECT_EQ(*base, (Bytes{9}));
}

TEST_P(StoreConformanceTest, OneTimePreKeysLowestFirstExactlyOnce) {
  ASSERT_THAT(store_->CreateMailbox(Record(1)), IsOk());
  ASSERT_THAT(store_->PutPreKeys(Mailbox(1), Bytes{1}, {PreKey(30), PreKey(10), PreKey(20)}, false),
              IsOk());
  auto count = store_->CountOneTimePreKeys(Mailbox(1));
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 3u);
  for (std::uint32_t want : {10u, 20u, 30u}) {
    auto taken = store_->TakeOneTimePreKey(Mailbox(1));
    ASSERT_TRUE(taken.ok()) << taken.status();
    ASSERT_TRUE(taken->has_value());
    EXPECT_EQ((*taken)->id, want);
    EXPECT_EQ((*taken)->key, PreKey(want).key);
  }
  auto none = store_->TakeOneTimePreKey(Mailbox(1));
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  count = store_->CountOneTimePreKeys(Mailbox(1));
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 0u);
}

TEST_P(StoreConformanceTest, PutPreKeysAddsReplacesAndUpserts) {
  ASSERT_THAT(store_->CreateMailbox(Record(1)), IsOk());
  ASSERT_THAT(store_->PutPreKeys(Mailbox(1), Bytes{1}, {PreKey(1), PreKey(2)}, false), IsOk());
  // Adding: the old ones stay; a retried id replaces its key.
  OneTimePreKeyRecord changed = PreKey(2);
  changed.key[5] = 0xAA;
  ASSERT_THAT(store_->PutPreKeys(Mailbox(1), Bytes{1}, {changed, PreKey(3)}, false), IsOk());
  EXPECT_EQ(*store_->CountOneTimePreKeys(Mailbox(1)), 3u);
  auto first = store_->TakeOneTimePreKey(Mailbox(1));
  auto second = store_->TakeOneTimePreKey(Mailbox(1));
  ASSERT_TRUE(first.ok() && first->has_value() && second.ok() && second->has_value());
  EXPECT_EQ((*first)->id, 1u);
  EXPECT_EQ((*second)->key, changed.key);
  // Replacing drops whatever was left.
  ASSERT_THAT(store_->PutPreKeys(Mailbox(1), Bytes{1}, {PreKey(100)}, true), IsOk());
  EXPECT_EQ(*store_->CountOneTimePreKeys(Mailbox(1)), 1u);
  auto only = store_->TakeOneTimePreKey(Mailbox(1));
  ASSERT_TRUE(only.ok() && only->has_value());
  EXPECT_EQ((*only)->id, 100u);
  // Replacing with nothing empties the set.
  ASSERT_THAT(store_->PutPreKeys(Mailbox(1), Bytes{1}, {PreKey(5)}, false), IsOk());
  ASSERT_THAT(store_->PutPreKeys(Mailbox(1), Bytes{1}, {}, true), IsOk());
  EXPECT_EQ(*store_->CountOneTimePreKeys(Mailbox(1)), 0u);
}

TEST_P(StoreConformanceTest, PreKeyIdsSpanUint32) {
  ASSERT_THAT(store_->CreateMailbox(Record(1)), IsOk());
  ASSERT_THAT(store_->PutPreKeys(Mailbox(1), Bytes{1}, {PreKey(0xFFFFFFFFu), PreKey(0)}, false),
              IsOk());
  auto a = store_->TakeOneTimePreKey(Mailbox(1));
  auto b = store_->TakeOneTimePreKey(Mailbox(1));
  ASSERT_TRUE(a.ok() && a->has_value() && b.ok() && b->has_value());
  EXPECT_EQ((*a)->id, 0u);
  EXPECT_EQ((*b)->id, 0xFFFFFFFFu);
}

TEST_P(StoreConformanceTest, MailboxesAreIsolated) {
  ASSERT_THAT(store_->CreateMailbox(Record(1)), IsOk());
  ASSERT_THAT(store_->CreateMailbox(Record(2)), IsOk());
  ASSERT_THAT(store_->PutPreKeys(Mailbox(1), Bytes{1}, {PreKey(1)}, false), IsOk());
  ASSERT_THAT(store_->AppendMessage(Mailbox(1), Message(1), MessageLimit(kMaxQueue)), IsOk());
  // The same message id in another mailbox is another message.
  ASSERT_THAT(store_->AppendMessage(Mailbox(2), Message(1), MessageLimit(kMaxQueue)), IsOk());
  EXPECT_EQ(*store_->CountOneTimePreKeys(Mailbox(2)), 0u);
  auto none = store_->TakeOneTimePreKey(Mailbox(2));
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  ASSERT_THAT(store_->DeleteMessage(Mailbox(2), MessageN(1)), IsOk());
  EXPECT_EQ(*store_->CountMessages(Mailbox(1)), 1u);
  EXPECT_EQ(*store_->CountMessages(Mailbox(2)), 0u);
}

TEST_P(StoreConformanceTest, AppendListCountOldestFirst) {
  ASSERT_THAT(store_->CreateMailbox(Record(1)), IsOk());
  // Appended with decreasing timestamps: order is append order.
  for (std::uint32_t i = 0; i < 5; ++i) {
    ASSERT_THAT(store_->AppendMessage(Mailbox(1), Message(i, 5000 - i), MessageLimit(kMaxQueue)),
                IsOk());
  }
  EXPECT_EQ(*store_->CountMessages(Mailbox(1)), 5u);
  EXPECT_EQ(*store_->CountAllMessages(), 5u);
  auto all = store_->ListMessages(Mailbox(1), 100);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_THAT(Ids(*all), ::testing::ElementsAre(0, 1, 2, 3, 4));
  for (std::uint32_t i = 0; i < 5; ++i) {
    EXPECT_EQ((*all)[i].received_ms, 5000 - static_cast<std::int64_t>(i));
    EXPECT_EQ((*all)[i].envelope, Message(i).envelope);
  }
  auto two = store_->ListMessages(Mailbox(1), 2);
  ASSERT_TRUE(two.ok());
  EXPECT_THAT(Ids(*two), ::testing::ElementsAre(0, 1));
  auto zero = store_->ListMessages(Mailbox(1), 0);
  ASSERT_TRUE(zero.ok());
  EXPECT_TRUE(zero->empty());
}

TEST_P(StoreConformanceTest, EnvelopeBytesRoundTrip) {
  ASSERT_THAT(store_->CreateMailbox(Record(1)), IsOk());
  StoredMessage big = Message(1);
  big.envelope.resize(65'536);
  for (std::size_t i = 0; i < big.envelope.size(); ++i) {
    big.envelope[i] = static_cast<std::uint8_t>(i * 31 + 7);
  }
  StoredMessage empty = Message(2);
  empty.envelope.clear();
  ASSERT_THAT(store_->AppendMessage(Mailbox(1), big, MessageLimit(kMaxQueue)), IsOk());
  ASSERT_THAT(store_->AppendMessage(Mailbox(1), empty, MessageLimit(kMaxQueue)), IsOk());
  auto all = store_->ListMessages(Mailbox(1), 10);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].envelope, big.envelope);
  EXPECT_TRUE((*all)[1].envelope.empty());
}

TEST_P(StoreConformanceTest, DuplicateMessageIdIsRefusedAndChangesNothing) {
  ASSERT_THAT(store_->CreateMailbox(Record(1)), IsOk());
  ASSERT_THAT(store_->AppendMessage(Mailbox(1), Message(1), MessageLimit(kMaxQueue)), IsOk());
  StoredMessage again = Message(1);
  again.envelope = Bytes{0xFF};
  EXPECT_THAT(store_->AppendMessage(Mailbox(1), again, MessageLimit(kMaxQueue)),
              StatusIs(StatusCode::kAlreadyExists));
  auto all = store_->ListMessages(Mailbox(1), 10);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].envelope, Message(1).envelope);
  EXPECT_EQ(*store_->CountMessages(Mailbox(1)), 1u);
}

TEST_P(StoreConformanceTest, QueueFullIsRefusedAndChangesNothing) {
  ASSERT_THAT(store_->CreateMailbox(Record(1)), IsOk());
  for (std::uint32_t i = 0; i < 3; ++i) {
    ASSERT_THAT(store_->AppendMessage(Mailbox(1), Message(i), MessageLimit(3)), IsOk());
  }
  EXPECT_THAT(store_->AppendMessage(Mailbox(1), Message(3), MessageLimit(3)),
              StatusIs(StatusCode::kResourceExhausted));
  EXPECT_EQ(*store_->CountMessages(Mailbox(1)), 3u);
  EXPECT_THAT(Ids(*store_->ListMessages(Mailbox(1), 10)), ::testing::ElementsAre(0, 1, 2));
  // Room again after an acknowledgement; a smaller limit refuses at once.
  ASSERT_THAT(store_->DeleteMessage(Mailbox(1), MessageN(0)), IsOk());
  EXPECT_THAT(store_->AppendMessage(Mailbox(1), Message(3), MessageLimit(2)),
              StatusIs(StatusCode::kResourceExhausted));
  ASSERT_THAT(store_->AppendMessage(Mailbox(1), Message(3), MessageLimit(3)), IsOk());
  EXPECT_THAT(Ids(*store_->ListMessages(Mailbox(1), 10)), ::testing::ElementsAre(1, 2, 3));
  EXPECT_THAT(store_->AppendMessage(Mailbox(1), Message(9), MessageLimit(0)),
              StatusIs(StatusCode::kResourceExhausted));
}

TEST_P(StoreConformanceTest, DeleteMessage) {
  ASSERT_THAT(store_->CreateMailbox(Record(1)), IsOk());
  ASSERT_THAT(store_->AppendMessage(Mailbox(1), Message(1), MessageLimit(kMaxQueue)), IsOk());
  ASSERT_THAT(store_->AppendMessage(Mailbox(1), Message(2), MessageLimit(kMaxQueue)), IsOk());
  EXPECT_THAT(store_->DeleteMessage(Mailbox(1), MessageN(3)), StatusIs(StatusCode::kNotFound));
  ASSERT_THAT(store_->DeleteMessage(Mailbox(1), MessageN(1)), IsOk());
  EXPECT_THAT(store_->DeleteMessage(Mailbox(1), MessageN(1)), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(Ids(*store_->ListMessages(Mailbox(1), 10)), ::testing::ElementsAre(2));
  EXPECT_EQ(*store_->CountMessages(Mailbox(1)), 1u);
}

TEST_P(StoreConformanceTest, ExpireMessagesBeforeCutoff) {
  ASSERT_THAT(store_->CreateMailbox(Record(1)), IsOk());
  ASSERT_THAT(store_->CreateMailbox(Record(2)), IsOk());
  ASSERT_THAT(store_->AppendMessage(Mailbox(1), Message(1, 100), MessageLimit(kMaxQueue)), IsOk());
  ASSERT_THAT(store_->AppendMessage(Mailbox(1), Message(2, 200), MessageLimit(kMaxQueue)), IsOk());
  ASSERT_THAT(store_->AppendMessage(Mailbox(2), Message(3, 150), MessageLimit(kMaxQueue)), IsOk());
  ASSERT_THAT(store_->AppendMessage(Mailbox(2), Message(4, 300), MessageLimit(kMaxQueue)), IsOk());
  auto expired = store_->ExpireMessages(200);  // strictly before 200
  ASSERT_TRUE(expired.ok()) << expired.status();
  EXPECT_EQ(*expired, 2u);
  EXPECT_THAT(Ids(*store_->ListMessages(Mailbox(1), 10)), ::testing::ElementsAre(2));
  EXPECT_THAT(Ids(*store_->ListMessages(Mailbox(2), 10)), ::testing::ElementsAre(4));
  EXPECT_EQ(*store_->CountMessages(Mailbox(1)), 1u);
  EXPECT_EQ(*store_->CountAllMessages(), 2u);
  EXPECT_EQ(*store_->ExpireMessages(200), 0u);
  // The freed room counts against the queue limit.
  ASSERT_THAT(store_->AppendMessage(Mailbox(1), Message(5, 400), MessageLimit(2)), IsOk());
}

TEST_P(StoreConformanceTest, NonceReplayIsRefused) {
  ASSERT_THAT(store_->CreateMailbox(Record(1)), IsOk());
  ASSERT_THAT(store_->CreateMailbox(Record(2)), IsOk());
  ASSERT_THAT(store_->RecordNonce(Mailbox(1), Nonce(1), 1000, 0), IsOk());
  EXPECT_THAT(store_->RecordNonce(Mailbox(1), Nonce(1), 1001, 0),
              StatusIs(StatusCode::kAlreadyExists));
  ASSERT_THAT(store_->RecordNonce(Mailbox(1), Nonce(2), 1002, 0), IsOk());
  // Nonces are per mailbox.
  ASSERT_THAT(store_->RecordNonce(Mailbox(2), Nonce(1), 1003, 0), IsOk());
  EXPECT_THAT(store_->RecordNonce(Mailbox(1), Bytes{}, 1004, 0),
              StatusIs(StatusCode::kInvalidArgument));
}

TEST_P(StoreConformanceTest, NoncesOutsideTheWindowAreForgotten) {
  ASSERT_THAT(store_->CreateMailbox(Record(1)), IsOk());
  ASSERT_THAT(store_->RecordNonce(Mailbox(1), Nonce(1), 1000, 0), IsOk());
  ASSERT_THAT(store_->RecordNonce(Mailbox(1), Nonce(2), 2000, 0), IsOk());
  // Window now starts at 1500: nonce 1 was pruned, nonce 2 was not.
  ASSERT_THAT(store_->RecordNonce(Mailbox(1), Nonce(1), 3000, 1500), IsOk());
  EXPECT_THAT(store_->RecordNonce(Mailbox(1), Nonce(2), 3001, 1500),
              StatusIs(StatusCode::kAlreadyExists));
}

TEST_P(StoreConformanceTest, DataSurvivesCloseAndReopen) {
  if (!GetParam().persistent) GTEST_SKIP() << "not a persistent store";
  ASSERT_THAT(store_->CreateMailbox(Record(1)), IsOk());
  ASSERT_THAT(store_->PutPreKeys(Mailbox(1), Bytes{4, 5}, {PreKey(1), PreKey(2)}, false), IsOk());
  auto taken = store_->TakeOneTimePreKey(Mailbox(1));
  ASSERT_TRUE(taken.ok() && taken->has_value());
  for (std::uint32_t i = 0; i < 3; ++i) {
    ASSERT_THAT(store_->AppendMessage(Mailbox(1), Message(i), MessageLimit(kMaxQueue)), IsOk());
  }
  ASSERT_THAT(store_->DeleteMessage(Mailbox(1), MessageN(1)), IsOk());
  ASSERT_THAT(store_->RecordNonce(Mailbox(1), Nonce(7), 1000, 0), IsOk());

  Reopen();

  auto mailbox = store_->GetMailbox(Mailbox(1));
  ASSERT_TRUE(mailbox.ok()) << mailbox.status();
  EXPECT_EQ(mailbox->auth_key, Record(1).auth_key);
  EXPECT_EQ(*store_->GetBundleBase(Mailbox(1)), (Bytes{4, 5}));
  EXPECT_EQ(*store_->CountOneTimePreKeys(Mailbox(1)), 1u);  // the taken one stays taken
  auto next = store_->TakeOneTimePreKey(Mailbox(1));
  ASSERT_TRUE(next.ok() && next->has_value());
  EXPECT_EQ((*next)->id, 2u);
  EXPECT_THAT(Ids(*store_->ListMessages(Mailbox(1), 10)), ::testing::ElementsAre(0, 2));
  EXPECT_EQ(*store_->CountMessages(Mailbox(1)), 2u);
  EXPECT_THAT(store_->RecordNonce(Mailbox(1), Nonce(7), 1001, 0),
              StatusIs(StatusCode::kAlreadyExists));
  // Order continues after a reopen.
  ASSERT_THAT(store_->AppendMessage(Mailbox(1), Message(9), MessageLimit(kMaxQueue)), IsOk());
  EXPECT_THAT(Ids(*store_->ListMessages(Mailbox(1), 10)), ::testing::ElementsAre(0, 2, 9));
}

constexpr int kThreads = 8;

TEST_P(StoreConformanceTest, ConcurrentTakesHandEachPreKeyOutExactlyOnce) {
  ASSERT_THAT(store_->CreateMailbox(Record(1)), IsOk());
  std::vector<OneTimePreKeyRecord> keys;
  for (std::uint32_t i = 0; i < 200; ++i) keys.push_back(PreKey(i));
  ASSERT_THAT(store_->PutPreKeys(Mailbox(1), Bytes{1}, keys, false), IsOk());

  std::vector<std::vector<std::uint32_t>> got(kThreads);
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (;;) {
        auto taken = store_->TakeOneTimePreKey(Mailbox(1));
        if (!taken.ok()) {
          ++errors;
          return;
        }
        if (!taken->has_value()) return;
        EXPECT_EQ((*taken)->key, PreKey((*taken)->id).key);
        got[t].push_back((*taken)->id);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(errors.load(), 0);
  std::vector<std::uint32_t> all;
  for (const auto& g : got) all.insert(all.end(), g.begin(), g.end());
  std::sort(all.begin(), all.end());
  ASSERT_EQ(all.size(), 200u);
  for (std::uint32_t i = 0; i < 200; ++i) EXPECT_EQ(all[i], i);
  EXPECT_EQ(*store_->CountOneTimePreKeys(Mailbox(1)), 0u);
}

TEST_P(StoreConformanceTest, ConcurrentAppendsAreAllVisible) {
  ASSERT_THAT(store_->CreateMailbox(Record(1)), IsOk());
  ASSERT_THAT(store_->CreateMailbox(Record(2)), IsOk());
  constexpr std::uint32_t kPerThread = 50;
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (std::uint32_t i = 0; i < kPerThread; ++i) {
        std::uint32_t n = static_cast<std::uint32_t>(t) * kPerThread + i;
        if (!store_->AppendMessage(Mailbox(1 + t % 2), Message(n), MessageLimit(kMaxQueue)).ok())
          ++errors;
        // Readers run alongside the writers.
        if (!store_->CountMessages(Mailbox(1)).ok()) ++errors;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(errors.load(), 0);
  auto one = store_->ListMessages(Mailbox(1), 1000);
  auto two = store_->ListMessages(Mailbox(2), 1000);
  ASSERT_TRUE(one.ok() && two.ok());
  std::set<std::uint32_t> ids;
  for (auto id : Ids(*one)) ids.insert(id);
  for (auto id : Ids(*two)) ids.insert(id);
  EXPECT_EQ(one->size() + two->size(), kThreads * kPerThread);
  EXPECT_EQ(ids.size(), kThreads * kPerThread);
  EXPECT_EQ(*store_->CountAllMessages(), kThreads * kPerThread);
  EXPECT_EQ(*store_->CountMessages(Mailbox(1)), one->size());
}

TEST_P(StoreConformanceTest, ConcurrentAppendsRespectTheQueueLimitExactly) {
  ASSERT_THAT(store_->CreateMailbox(Record(1)), IsOk());
  constexpr std::size_t kLimit = 100;
  std::atomic<int> accepted{0};
  std::atomic<int> refused{0};
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (std::uint32_t i = 0; i < 20; ++i) {
        Status s = store_->AppendMessage(Mailbox(1), Message(t * 20 + i), MessageLimit(kLimit));
        if (s.ok()) {
          ++accepted;
        } else if (s.code() == StatusCode::kResourceExhausted) {
          ++refused;
        } else {
          ++errors;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(accepted.load(), 100);
  EXPECT_EQ(refused.load(), kThreads * 20 - 100);
  EXPECT_EQ(*store_->CountMessages(Mailbox(1)), kLimit);
  EXPECT_EQ(store_->ListMessages(Mailbox(1), 1000)->size(), kLimit);
}

TEST_P(StoreConformanceTest, ConcurrentDuplicateAppendsQueueOneCopy) {
  ASSERT_THAT(store_->CreateMailbox(Record(1)), IsOk());
  std::atomic<int> accepted{0};
  std::atomic<int> duplicate{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      // Each thread posts message 1 (a retry storm) and one of its own.
      Status s = store_->AppendMessage(Mailbox(1), Message(1), MessageLimit(kMaxQueue));
      if (s.ok()) ++accepted;
      if (s.code() == StatusCode::kAlreadyExists) ++duplicate;
      EXPECT_THAT(store_->AppendMessage(Mailbox(1), Message(100 + t), MessageLimit(kMaxQueue)),
                  IsOk());
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(accepted.load(), 1);
  EXPECT_EQ(duplicate.load(), kThreads - 1);
  EXPECT_EQ(*store_->CountMessages(Mailbox(1)), static_cast<std::size_t>(kThreads + 1));
}

TEST_P(StoreConformanceTest, ConcurrentNonceIsAcceptedOnce) {
  ASSERT_THAT(store_->CreateMailbox(Record(1)), IsOk());
  std::atomic<int> accepted{0};
  std::atomic<int> replayed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      Status s = store_->RecordNonce(Mailbox(1), Nonce(42), 1000, 0);
      if (s.ok()) ++accepted;
      if (s.code() == StatusCode::kAlreadyExists) ++replayed;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(accepted.load(), 1);
  EXPECT_EQ(replayed.load(), kThreads - 1);
}

TEST_P(StoreConformanceTest, ByteQuotasRefuseAndChangeNothing) {
  ASSERT_THAT(store_->CreateMailbox(Record(1)), IsOk());
  ASSERT_THAT(store_->CreateMailbox(Record(2)), IsOk());
  // Message(n) carries 100 + n % 7 bytes.
  const QueueLimits limits{kMaxQueue, 205, 310};
  ASSERT_THAT(store_->AppendMessage(Mailbox(1), Message(0), limits), IsOk());  // 100
  ASSERT_THAT(store_->AppendMessage(Mailbox(1), Message(5), limits), IsOk());  // 205
  EXPECT_THAT(store_->AppendMessage(Mailbox(1), Message(7), limits),
              StatusIs(StatusCode::kResourceExhausted));                        // 305 > 205
  ASSERT_THAT(store_->AppendMessage(Mailbox(2), Message(14), limits), IsOk());  // total 305
  EXPECT_THAT(store_->AppendMessage(Mailbox(2), Message(21), limits),
              StatusIs(StatusCode::kUnavailable));  // total 405 > 310
  EXPECT_THAT(Ids(*store_->ListMessages(Mailbox(1), 10)), ::testing::ElementsAre(0, 5));
  EXPECT_THAT(Ids(*store_->ListMessages(Mailbox(2), 10)), ::testing::ElementsAre(14));
  // Deleting frees the bytes, in the mailbox and in the total.
  ASSERT_THAT(store_->DeleteMessage(Mailbox(1), MessageN(5)), IsOk());
  EXPECT_THAT(store_->AppendMessage(Mailbox(2), Message(21), limits), IsOk());
  Reopen();
  if (GetParam().persistent) {
    EXPECT_THAT(store_->AppendMessage(Mailbox(1), Message(28), limits),
                StatusIs(StatusCode::kUnavailable));  // the totals survive a reopen
  }
}

TEST_P(StoreConformanceTest, DeleteMailboxTakesItsDataAndFreesItsBytes) {
  ASSERT_THAT(store_->CreateMailbox(Record(1)), IsOk());
  ASSERT_THAT(store_->CreateMailbox(Record(2)), IsOk());
  const QueueLimits limits{kMaxQueue, 1000, 250};
  ASSERT_THAT(store_->AppendMessage(Mailbox(1), Message(0), limits), IsOk());
  ASSERT_THAT(store_->AppendMessage(Mailbox(1), Message(1), limits), IsOk());
  ASSERT_THAT(store_->PutPreKeys(Mailbox(1), AsBytes("base"), {PreKey(1)}, false), IsOk());
  ASSERT_THAT(store_->RecordNonce(Mailbox(1), Nonce(1), 1000, 0), IsOk());
  EXPECT_THAT(store_->AppendMessage(Mailbox(2), Message(2), limits),
              StatusIs(StatusCode::kUnavailable));
  ASSERT_THAT(store_->DeleteMailbox(Mailbox(1)), IsOk());
  EXPECT_THAT(store_->GetMailbox(Mailbox(1)).status(), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(store_->DeleteMailbox(Mailbox(1)), StatusIs(StatusCode::kNotFound));
  EXPECT_EQ(*store_->CountAllMessages(), 0u);
  EXPECT_THAT(store_->AppendMessage(Mailbox(2), Message(2), limits), IsOk());
  // A mailbox created again with the same id starts empty.
  ASSERT_THAT(store_->CreateMailbox(Record(1)), IsOk());
  EXPECT_EQ(*store_->CountOneTimePreKeys(Mailbox(1)), 0u);
  EXPECT_THAT(store_->RecordNonce(Mailbox(1), Nonce(1), 1000, 0), IsOk());
}

TEST_P(StoreConformanceTest, IdleMailboxesAreDeletedByTheirSeenTime) {
  MailboxRecord a = Record(1);
  a.seen_ms = 1000;
  MailboxRecord b = Record(2);
  b.seen_ms = 1000;
  ASSERT_THAT(store_->CreateMailbox(a), IsOk());
  ASSERT_THAT(store_->CreateMailbox(b), IsOk());
  EXPECT_EQ(store_->GetMailbox(Mailbox(1))->seen_ms, 1000);
  ASSERT_THAT(store_->AppendMessage(Mailbox(2), Message(0), MessageLimit(kMaxQueue)), IsOk());
  ASSERT_THAT(store_->AppendMessage(Mailbox(2), Message(1), MessageLimit(kMaxQueue)), IsOk());
  ASSERT_THAT(store_->TouchMailbox(Mailbox(1), 5000), IsOk());
  EXPECT_EQ(store_->GetMailbox(Mailbox(1))->seen_ms, 5000);
  EXPECT_THAT(store_->TouchMailbox(Mailbox(9), 5000), StatusIs(StatusCode::kNotFound));
  auto none = store_->DeleteIdleMailboxes(1000);  // strictly before
  ASSERT_THAT(none.status(), IsOk());
  EXPECT_EQ(none->mailboxes, 0u);
  auto d = store_->DeleteIdleMailboxes(4000);
  ASSERT_THAT(d.status(), IsOk());
  EXPECT_EQ(d->mailboxes, 1u);
  EXPECT_EQ(d->messages, 2u);
  EXPECT_THAT(store_->GetMailbox(Mailbox(2)).status(), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(store_->GetMailbox(Mailbox(1)).status(), IsOk());
  EXPECT_EQ(*store_->CountAllMessages(), 0u);
  EXPECT_THAT(store_->Compact(), IsOk());
}

}  // namespace
}  // namespace backchannel::relay::testing
