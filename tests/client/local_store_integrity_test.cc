// Store integrity (schema 5): an attacker who can write the closed store
// file but lacks the passphrase deletes, swaps or rolls back one row of each
// kind that carries trust or history, with the sqlite3 C API. Each change is
// reported as kCorrupt naming its table when the store opens, so none is
// obeyed, and the refused open changes nothing in the file.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "backchannel/client/local_store.h"
#include "backchannel/common/encoding.h"
#include "backchannel/session/keys.h"
#include "client/temp_dir.h"
#include "testing/mailbox_ids.h"
#include "testing/raw_sqlite.h"
#include "testing/status_matchers.h"

namespace backchannel::client {
namespace {

using ::backchannel::testing::B64u;
using ::backchannel::testing::RawDump;
using ::backchannel::testing::RawExec;
using ::backchannel::testing::RawText;
using ::backchannel::testing::StatusIs;
using ::backchannel::testing::TestDeliveryTokenFor;
using ::backchannel::testing::TestMailboxIdFor;
using testing::TempDir;

SecretBytes Pass(std::string_view s) { return SecretBytes(AsBytes(s)); }
StoreOptions Fast() { return {KdfCost::kInteractive}; }
Bytes B(std::string_view s) { return ToBytes(AsBytes(s)); }
AuthorityPublicKey KeyOfBytes(std::uint8_t b) {
  AuthorityPublicKey::Array bytes;
  bytes.fill(b);
  return AuthorityPublicKey(bytes);
}

Contact MakeContact(const std::string& name) {
  Contact c;
  c.name = name;
  c.identity_key = session::GenerateIdentityKeyPair().public_key;
  c.address = {"127.0.0.1:1", FromHexFixed<CertificatePin>(std::string(64, 'a')).value(),
               TestMailboxIdFor(name), TestDeliveryTokenFor(name)};
  c.authority_key = AuthorityPublicKey::FromView(Bytes(32, 7));
  c.authority_label = "Ministry";
  c.credential = B("credential of " + name);
  return c;
}

PendingRequest MakePending(std::uint8_t tag) {
  PendingRequest r;
  r.received_ms = 1000 + tag;
  r.envelope = Bytes(40, tag);
  r.sender.mutable_bytes().fill(tag);
  r.authority_key = AuthorityPublicKey::FromView(Bytes(32, tag));
  r.side = "Iran";
  r.role = "envoy";
  r.display_name = "Envoy " + std::to_string(tag);
  return r;
}

// Two rows of every sealed kind.
void Populate(LocalStore& s) {
  TrustedAuthority a{KeyOfBytes(1), "United States", {}, true, {"United States"}, {"envoy"}};
  TrustedAuthority b{KeyOfBytes(2), "Iran", B("revocations"), true, {"Iran"}, {"envoy"}};
  ASSERT_OK(s.PutAuthority(a));
  ASSERT_OK(s.PutAuthority(b));
  auto bob = MakeContact("bob");
  bob.session = SecretBytes(Bytes{1, 2, 3});
  ASSERT_OK(s.PutContact(bob));
  ASSERT_OK(s.PutContact(MakeContact("carol")));
  ASSERT_OK(s.AddMessage({0, "m1", "bob", Direction::kIn, 10, "hello"}));
  ASSERT_OK(s.AddMessage({0, "m2", "bob", Direction::kOut, 20, "reply", Delivery::kQueued}));
  ASSERT_OK(s.AddOutbox({0, "bob", "m2", B("envelope two"), 20, 0, ""}));
  ASSERT_OK(s.AddOutbox({0, "carol", "m3", B("envelope three"), 30, 0, ""}));
  ASSERT_OK(s.AddPending(MakePending(5)));
  ASSERT_OK(s.AddPending(MakePending(6)));
}

struct Kind {
  const char* table;     // logical name, as the error names it
  const char* physical;  // the SQLite table
  // Changes the first row so that an older copy of it can be put back.
  void (*update)(LocalStore&);
};

const Kind kKinds[] = {
    {"authorities", "authorities_v5",
     [](LocalStore& s) {
       TrustedAuthority a{KeyOfBytes(1), "United States",   B("newer revocations"),
                          true,          {"United States"}, {"envoy"}};
       ASSERT_OK(s.PutAuthority(a));
     }},
    {"contacts", "contacts_v5",
     [](LocalStore& s) {
       ASSERT_OK(s.SaveSession("bob", SecretBytes(Bytes{9, 9, 9, 9})));
     }},
    {"messages", "messages_v5",
     [](LocalStore& s) { ASSERT_OK(s.SetDelivery("bob", "m1", Delivery::kSent)); }},
    {"outbox", "outbox_v5",
     [](LocalStore& s) {
       auto all = s.ListOutbox("bob");
       ASSERT_OK(all);
       ASSERT_OK(s.NoteOutboxFailure((*all)[0].seq, "relay unreachable"));
     }},
    {"pending_requests", "pending_v5",
     [](LocalStore& s) {
       auto all = s.ListPending();
       ASSERT_OK(all);
       ASSERT_OK(s.RemovePending((*all)[0].seq));
     }},
};

class StoreIntegrityTest : public ::testing::TestWithParam<Kind> {
 protected:
  void SetUp() override {
    path_ = dir_.File("store.db");
    auto store = LocalStore::Create(path_, Pass("p"), Fast());
    ASSERT_OK(store);
    Populate(**store);
  }

  // Opens after the attacker's change: kCorrupt naming the table, and the
  // refused open leaves the file as the attacker left it.
  void ExpectRefused() {
    const std::string before = RawDump(path_);
    auto store = LocalStore::Open(path_, Pass("p"));
    ASSERT_THAT(store, StatusIs(StatusCode::kCorrupt));
    EXPECT_NE(store.error().message().find(std::string("'") + GetParam().table + "'"),
              std::string::npos)
        << store.error();
    EXPECT_EQ(RawDump(path_), before) << "a refused open changes nothing";
  }

  TempDir dir_;
  std::string path_;
};

TEST_P(StoreIntegrityTest, UntouchedStoreOpens) { ASSERT_OK(LocalStore::Open(path_, Pass("p"))); }

TEST_P(StoreIntegrityTest, DeletedRowIsReported) {
  RawExec(path_, std::string("DELETE FROM ") + GetParam().physical +
                     " WHERE rowid = (SELECT MIN(rowid) FROM " + GetParam().physical + ")");
  ExpectRefused();
}

TEST_P(StoreIntegrityTest, SwappedRowsAreReported) {
  const std::string t = GetParam().physical;
  RawExec(path_, "CREATE TABLE swap AS SELECT rowid AS r, row FROM " + t + "; UPDATE " + t +
                     " SET row = (SELECT row FROM swap WHERE swap.r != " + t +
                     ".rowid LIMIT 1); DROP TABLE swap;");
  ExpectRefused();
}

TEST_P(StoreIntegrityTest, RolledBackRowIsReported) {
  const std::string t = GetParam().physical;
  // The attacker keeps a copy of the first row, lets the owner change it,
  // then puts the old copy back.
  RawExec(path_, "CREATE TABLE old_copy AS SELECT * FROM " + t +
                     " WHERE rowid = (SELECT MIN(rowid) FROM " + t + ")");
  {
    auto store = LocalStore::Open(path_, Pass("p"));
    ASSERT_OK(store);
    GetParam().update(**store);
  }
  RawExec(path_, "INSERT OR REPLACE INTO " + t + " SELECT * FROM old_copy; DROP TABLE old_copy;");
  ExpectRefused();
}

INSTANTIATE_TEST_SUITE_P(EveryKind, StoreIntegrityTest, ::testing::ValuesIn(kKinds),
                         [](const auto& info) { return std::string(info.param.table); });

// The clear lookup columns are covered too: a message moved to another
// conversation is a changed row.
TEST(StoreIntegrityTest, MessageMovedToAnotherContactIsReported) {
  TempDir dir;
  const auto path = dir.File("store.db");
  {
    auto store = LocalStore::Create(path, Pass("p"), Fast());
    ASSERT_OK(store);
    Populate(**store);
    ASSERT_OK((*store)->AddMessage({0, "m9", "carol", Direction::kIn, 30, "to carol"}));
  }
  RawExec(path,
          "UPDATE messages_v5 SET contact = (SELECT contact FROM messages_v5 WHERE id = 'm9') "
          "WHERE id = 'm1'");
  auto store = LocalStore::Open(path, Pass("p"));
  ASSERT_THAT(store, StatusIs(StatusCode::kCorrupt));
  EXPECT_NE(store.error().message().find("'messages'"), std::string::npos) << store.error();
}

// A new trusted authority written by someone without the key.
TEST(StoreIntegrityTest, AddedAuthorityIsReported) {
  TempDir dir;
  const auto path = dir.File("store.db");
  {
    auto store = LocalStore::Create(path, Pass("p"), Fast());
    ASSERT_OK(store);
    Populate(**store);
  }
  RawExec(
      path,
      "INSERT INTO authorities_v5 (pk, row) SELECT 'ff' || pk, row FROM authorities_v5 LIMIT 1");
  EXPECT_THAT(LocalStore::Open(path, Pass("p")), StatusIs(StatusCode::kCorrupt));
}

// Putting back an old table together with the old digests: every table
// changed since shows (docs/threat_model.md: only a rollback of the whole
// file goes unseen).
TEST(StoreIntegrityTest, TableRolledBackWithTheDigestsShowsInTheOtherTables) {
  TempDir dir;
  const auto path = dir.File("store.db");
  {
    auto store = LocalStore::Create(path, Pass("p"), Fast());
    ASSERT_OK(store);
    Populate(**store);
  }
  RawExec(path,
          "CREATE TABLE old_rows AS SELECT * FROM messages_v5; CREATE TABLE old_meta AS SELECT * "
          "FROM meta WHERE k = 'manifest'");
  {
    auto store = LocalStore::Open(path, Pass("p"));
    ASSERT_OK(store);
    ASSERT_OK((*store)->SetDelivery("bob", "m2", Delivery::kSent));
    ASSERT_OK((*store)->PutContact(MakeContact("dave")));
  }
  RawExec(path,
          "DELETE FROM messages_v5; INSERT INTO messages_v5 SELECT * FROM old_rows; UPDATE meta "
          "SET v = (SELECT v FROM old_meta) WHERE k = 'manifest'; DROP TABLE old_rows; DROP TABLE "
          "old_meta;");
  auto store = LocalStore::Open(path, Pass("p"));
  ASSERT_THAT(store, StatusIs(StatusCode::kCorrupt));
  EXPECT_NE(store.error().message().find("'contacts'"), std::string::npos) << store.error();
}

TEST(StoreIntegrityTest, ContactNamesAreNotInTheFile) {
  TempDir dir;
  const auto path = dir.File("store.db");
  {
    auto store = LocalStore::Create(path, Pass("p"), Fast());
    ASSERT_OK(store);
    ASSERT_OK((*store)->PutContact(MakeContact("zanzibar-envoy")));
    ASSERT_OK((*store)->AddMessage({0, "m1", "zanzibar-envoy", Direction::kIn, 10, "hi"}));
    ASSERT_OK((*store)->AddOutbox({0, "zanzibar-envoy", "m2", B("env"), 20, 0, ""}));
    ASSERT_OK((*store)->MarkSeen("zanzibar-envoy", "m3"));
    auto got = (*store)->GetContact("zanzibar-envoy");
    ASSERT_OK(got);
    EXPECT_EQ(got->address.mailbox, TestMailboxIdFor("zanzibar-envoy"));
  }
  EXPECT_EQ(RawDump(path).find(ToHex(AsBytes("zanzibar"))), std::string::npos);
  // The mailbox id holds the name too; its stored text (base64url) is sealed.
  const std::string mailbox_text = B64u(TestMailboxIdFor("zanzibar-envoy"));
  EXPECT_EQ(RawDump(path).find(ToHex(AsBytes(mailbox_text))), std::string::npos);
  EXPECT_EQ(RawText(path, "SELECT count(*) FROM contacts_v5"), "1");
}

TEST(StoreIntegrityTest, TwoHandlesOnOneFileKeepTheDigestsRight) {
  TempDir dir;
  const auto path = dir.File("store.db");
  auto a = LocalStore::Create(path, Pass("p"), Fast());
  ASSERT_OK(a);
  auto b = LocalStore::Open(path, Pass("p"));
  ASSERT_OK(b);
  ASSERT_OK((*a)->AddMessage({0, "m1", "bob", Direction::kIn, 10, "from a"}));
  ASSERT_OK((*b)->AddMessage({0, "m2", "bob", Direction::kIn, 11, "from b"}));
  ASSERT_OK((*a)->PutContact(MakeContact("bob")));
  ASSERT_OK((*b)->SaveSession("bob", SecretBytes(Bytes{4, 5})));
  a->reset();
  b->reset();
  auto again = LocalStore::Open(path, Pass("p"));
  ASSERT_OK(again);
  EXPECT_EQ((*again)->ListMessages("bob")->size(), 2U);
}

}  // namespace
}  // namespace backchannel::client

namespace backchannel::client {
namespace {

// The cost of the digests, by hand (not run by ctest):
//   build-dev/tests/client/client_test --gtest_also_run_disabled_tests
//     --gtest_filter='*DISABLED_DigestCost*'   (one command line)
// prints the time of 1,000 single-message writes (one transaction each) and
// of Open (Argon2id INTERACTIVE included) with 10,000 messages.
TEST(StoreIntegrityTest, DISABLED_DigestCost) {
  TempDir dir;
  const auto path = dir.File("store.db");
  {
    auto store = LocalStore::Create(path, Pass("p"), Fast());
    ASSERT_OK(store);
    ASSERT_OK((*store)->Transaction([&]() -> Status {
      for (int i = 0; i < 9000; ++i) {
        BC_RETURN_IF_ERROR((*store)
                               ->AddMessage({0, "b" + std::to_string(i), "bob", Direction::kIn, i,
                                             std::string(200, 'x')})
                               .status());
      }
      return Status::Ok();
    }));
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < 1000; ++i) {
      ASSERT_OK((*store)->AddMessage(
          {0, "s" + std::to_string(i), "bob", Direction::kIn, i, std::string(200, 'x')}));
    }
    const auto ms =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0)
            .count() /
        1000.0;
    std::printf("1000 AddMessage, one transaction each: %.1f ms (%.2f ms each)\n", ms, ms / 1000);
  }
  auto key = LocalStore::DeriveStoreKey(path, Pass("p"));
  ASSERT_OK(key);
  const auto t0 = std::chrono::steady_clock::now();
  auto store = LocalStore::OpenWithKey(path, *key);
  const auto us =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  ASSERT_OK(store);
  std::printf("OpenWithKey with 10,000 messages (digests checked): %.1f ms\n", us / 1000.0);
}

}  // namespace
}  // namespace backchannel::client
