#include "backchannel/client/local_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "backchannel/common/encoding.h"
#include "backchannel/crypto/aead.h"
#include "backchannel/session/keys.h"
#include "client/sealed_row.h"
#include "client/temp_dir.h"
#include "testing/mailbox_ids.h"
#include "testing/raw_sqlite.h"
#include "testing/status_matchers.h"

namespace backchannel::client {
namespace {

using ::backchannel::testing::B64u;
using ::backchannel::testing::RawExec;
using ::backchannel::testing::RawSchemaVersion;
using ::backchannel::testing::RawText;
using ::backchannel::testing::StatusIs;
using ::backchannel::testing::TestDeliveryToken;
using ::backchannel::testing::TestDeliveryTokenFor;
using ::backchannel::testing::TestMailboxId;
using ::testing::HasSubstr;

using testing::TempDir;

SecretBytes Pass(std::string_view s) { return SecretBytes(AsBytes(s)); }
StoreOptions Fast() { return {KdfCost::kInteractive}; }

// The app tables as schema 5 had them (keys and log names in clear, no
// sealed_key), empty: a test that needs app rows of that layout writes them
// with V4Field and the associated data of the time.
void MakeV5AppLayout(const std::string& path) {
  RawExec(path,
          "DROP TABLE app_values; DELETE FROM app_log; DELETE FROM app_log_heads; "
          "CREATE TABLE app_values (app TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL, "
          "PRIMARY KEY (app, key));");
}

// An encrypted field as schemas 1..5 wrote it, under `ad`.
std::string V4Field(const StoreKey& key, std::string_view plain, const std::string& ad) {
  Bytes out{1};
  Append(out, crypto::AeadSeal(key, AsBytes(plain), AsBytes("bc-store-v1|" + ad)));
  return "X'" + ToHex(out) + "'";
}

// Turns a fresh (empty) store into what an empty schema version 4 store
// looks like: the v4 tables instead of the sealed v5 ones, no store secret,
// no table digests.
void MakeV4Layout(const std::string& path) {
  RawExec(path,
          "DROP TABLE authorities_v5; DROP TABLE contacts_v5; DROP TABLE messages_v5; "
          "DROP TABLE seen_v5; DROP TABLE outbox_v5; DROP TABLE pending_v5; "
          "ALTER TABLE prekeys DROP COLUMN taken_ms; "
          "DELETE FROM meta WHERE k IN ('store_secret', 'manifest'); "
          "CREATE TABLE authorities (key BLOB PRIMARY KEY, label TEXT NOT NULL, revocations BLOB, "
          "scope TEXT); "
          "CREATE TABLE contacts (name TEXT PRIMARY KEY, identity_key BLOB NOT NULL UNIQUE, "
          "relay TEXT NOT NULL, pin TEXT NOT NULL, mailbox TEXT NOT NULL, delivery_token BLOB NOT "
          "NULL, authority_key BLOB, authority_label TEXT, credential BLOB, session BLOB, "
          "created_ms INTEGER NOT NULL, compared_key BLOB); "
          "CREATE TABLE messages (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL, "
          "contact TEXT NOT NULL, direction TEXT NOT NULL, time_ms INTEGER NOT NULL, body BLOB NOT "
          "NULL, delivery TEXT); "
          "CREATE TABLE seen_ids (contact TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (contact, "
          "id)); "
          "CREATE TABLE outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, contact TEXT NOT NULL, "
          "message_id TEXT NOT NULL, envelope BLOB NOT NULL, created_ms INTEGER NOT NULL, attempts "
          "INTEGER NOT NULL DEFAULT 0, last_error TEXT, UNIQUE (contact, message_id)); "
          "CREATE TABLE pending_requests (seq INTEGER PRIMARY KEY AUTOINCREMENT, received_ms "
          "INTEGER NOT NULL, envelope BLOB NOT NULL, sender BLOB NOT NULL, authority_key BLOB, "
          "side TEXT, role TEXT, display_name TEXT); "
          "UPDATE meta SET v = X'0400000000000000' WHERE k = 'schema_version'");
  MakeV5AppLayout(path);
}

Contact MakeContact(const std::string& name) {
  Contact c;
  c.name = name;
  c.identity_key = session::GenerateIdentityKeyPair().public_key;
  c.address = {"127.0.0.1:1", FromHexFixed<CertificatePin>(std::string(64, 'a')).value(),
               TestMailboxId(1), TestDeliveryTokenFor(name)};
  c.authority_key = AuthorityPublicKey::FromView(Bytes(32, 7));
  c.authority_label = "Ministry";
  return c;
}

// A relay's pin rollover: the next pin of our relay (a settings row) and of
// a contact's relay (a 13th field of the contact row) are kept, replaced and
// dropped; rows without one keep their 12 fields.
TEST(LocalStoreTest, NextPinsAreKeptOnlyWhileThereIsOne) {
  TempDir dir;
  const auto path = dir.File("store.db");
  auto store = LocalStore::Create(path, Pass("p"), Fast());
  ASSERT_OK(store);
  LocalStore& s = **store;
  const auto next = FromHexFixed<CertificatePin>(std::string(64, 'c')).value();
  RelayConfig rc{"127.0.0.1:9",        FromHexFixed<CertificatePin>(std::string(64, 'b')).value(),
                 TestMailboxId(1),     SecretBytes(Bytes(64, 1)),
                 TestDeliveryToken(2), next};
  ASSERT_OK(s.PutRelayConfig(rc));
  EXPECT_EQ(s.GetRelayConfig()->next_pin, next);
  EXPECT_EQ(*s.GetSetting(std::string(kRelayNextPinSetting)), std::string(64, 'c'));
  rc.next_pin.reset();
  ASSERT_OK(s.PutRelayConfig(rc));
  EXPECT_FALSE(s.GetRelayConfig()->next_pin.has_value());
  EXPECT_FALSE(s.GetSetting(std::string(kRelayNextPinSetting))->has_value());
  ASSERT_OK(s.PutSetting(std::string(kRelayNextPinSetting), "not hex"));
  EXPECT_THAT(s.GetRelayConfig(), StatusIs(StatusCode::kCorrupt));

  Contact c = MakeContact("iran");
  const SecretBytes twelve = store::EncodeContactRow(c);
  ASSERT_GE(twelve.size(), 2U);
  EXPECT_EQ(twelve.view()[1], 12);
  c.address.next_pin = next;
  const SecretBytes thirteen = store::EncodeContactRow(c);
  EXPECT_EQ(thirteen.view()[1], 13);
  EXPECT_EQ(thirteen.size(), twelve.size() + 4 + 32);
  ASSERT_OK(s.PutContact(c));
  auto back = s.GetContact("iran");
  ASSERT_OK(back);
  EXPECT_EQ(back->address, c.address);
  // A next pin equal to the pin is not a row this code writes.
  c.address.next_pin = c.address.pin;
  EXPECT_THAT(store::DecodeContactRow(store::EncodeContactRow(c).view()),
              StatusIs(StatusCode::kCorrupt));
}

// A stored authority row whose key is not 32 bytes (written by no version of
// this code) is a clear kCorrupt when it is read, not a crash or a short key.
TEST(LocalStoreTest, AnAuthorityRowWithAKeyOfAnotherSizeIsCorrupt) {
  const Bytes label = ToBytes(AsBytes("Iran"));
  const std::uint8_t scoped = 0;
  const ByteView none;  // no sides, no roles
  for (std::size_t size : {0U, 31U, 33U}) {
    const Bytes key(size, 7);
    const SecretBytes row =
        store::EncodeFields({key, label, ByteView(), ByteView(&scoped, 1), none, none});
    auto decoded = store::DecodeAuthorityRow(row.view());
    EXPECT_THAT(decoded, StatusIs(StatusCode::kCorrupt));
    EXPECT_THAT(std::string(decoded.error().message()), ::testing::HasSubstr("not 32 bytes"));
  }
  const Bytes key(32, 7);
  auto decoded = store::DecodeAuthorityRow(
      store::EncodeFields({key, label, ByteView(), ByteView(&scoped, 1), none, none}).view());
  ASSERT_OK(decoded);
  EXPECT_EQ(ToBytes(decoded->key), key);
}

TEST(LocalStoreTest, CreateReopenPersists) {
  TempDir dir;
  const auto path = dir.File("store.db");
  auto id = session::GenerateIdentityKeyPair();
  {
    auto store = LocalStore::Create(path, Pass("correct horse"), Fast());
    ASSERT_TRUE(store.has_value()) << store.error();
    StoredIdentity si{id.Clone(), 4242, ToBytes(std::string_view("cred"))};
    ASSERT_OK((*store)->PutIdentity(si));
    ASSERT_OK((*store)->PutSignedPreKey(session::GenerateSignedPreKey(id, 1)));
    std::vector<session::OneTimePreKey> otks;
    for (std::uint32_t i = 1; i <= 5; ++i) otks.push_back(session::GenerateOneTimePreKey(i));
    ASSERT_OK((*store)->PutOneTimePreKeys(otks));
    ASSERT_OK((*store)->MarkOneTimePreKeyUsed(2));
    RelayConfig rc{"127.0.0.1:9", FromHexFixed<CertificatePin>(std::string(64, 'b')).value(),
                   TestMailboxId(1), SecretBytes(Bytes(64, 1)), TestDeliveryToken(2)};
    ASSERT_OK((*store)->PutRelayConfig(rc));
    auto c = MakeContact("iran");
    c.session = SecretBytes(Bytes{1, 2, 3});
    ASSERT_OK((*store)->PutContact(c));
    StoredMessage m{0, "id1", "iran", Direction::kIn, 5, "hello"};
    auto added = (*store)->AddMessage(m);
    ASSERT_TRUE(added.has_value());
    EXPECT_TRUE(*added);
    auto again = (*store)->AddMessage(m);
    ASSERT_TRUE(again.has_value());
    EXPECT_FALSE(*again) << "duplicate must be dropped";
  }
  auto store = LocalStore::Open(path, Pass("correct horse"));
  ASSERT_TRUE(store.has_value()) << store.error();
  auto si = (*store)->GetIdentity();
  ASSERT_TRUE(si.has_value()) << si.error();
  EXPECT_EQ(si->key_pair.public_key, id.public_key);
  EXPECT_TRUE(si->key_pair.private_key.Equals(id.private_key));
  EXPECT_EQ(si->registration_id, 4242U);
  EXPECT_EQ(AsString(si->credential), "cred");
  auto prekeys = (*store)->LoadPreKeys();
  ASSERT_TRUE(prekeys.has_value()) << prekeys.error();
  EXPECT_EQ(prekeys->one_time_count(), 4U);
  EXPECT_NE(prekeys->FindSignedPreKey(1), nullptr);
  EXPECT_EQ(prekeys->FindOneTimePreKey(2), nullptr);
  EXPECT_EQ(*(*store)->NextOneTimePreKeyId(), 6U);
  EXPECT_EQ(*(*store)->CountUnusedOneTimePreKeys(), 4U);
  auto rc = (*store)->GetRelayConfig();
  ASSERT_TRUE(rc.has_value());
  EXPECT_EQ(rc->mailbox, TestMailboxId(1));
  EXPECT_TRUE(ConstantTimeEqual(rc->delivery_token, TestDeliveryToken(2)));
  EXPECT_EQ(rc->auth_key.size(), 64U);
  auto c = (*store)->GetContact("iran");
  ASSERT_TRUE(c.has_value()) << c.error();
  EXPECT_TRUE(ConstantTimeEqual(c->address.delivery_token, TestDeliveryTokenFor("iran")));
  EXPECT_EQ(c->session.size(), 3U);
  auto found = (*store)->FindContactByIdentity(c->identity_key);
  ASSERT_TRUE(found.has_value() && found->has_value());
  EXPECT_EQ((*found)->name, "iran");
  auto msgs = (*store)->ListMessages();
  ASSERT_TRUE(msgs.has_value());
  ASSERT_EQ(msgs->size(), 1U);
  EXPECT_EQ((*msgs)[0].body, "hello");
}

TEST(LocalStoreTest, WrongPassphraseIsAClearError) {
  TempDir dir;
  const auto path = dir.File("store.db");
  ASSERT_TRUE(LocalStore::Create(path, Pass("right"), Fast()).has_value());
  auto store = LocalStore::Open(path, Pass("wrong"));
  ASSERT_FALSE(store.has_value());
  EXPECT_THAT(store, StatusIs(StatusCode::kPermissionDenied));
  EXPECT_EQ(store.error().message(), "wrong passphrase");
}

TEST(LocalStoreTest, MissingAndExisting) {
  TempDir dir;
  const auto path = dir.File("store.db");
  EXPECT_THAT(LocalStore::Open(path, Pass("x")), StatusIs(StatusCode::kNotFound));
  ASSERT_TRUE(LocalStore::Create(path, Pass("x"), Fast()).has_value());
  EXPECT_THAT(LocalStore::Create(path, Pass("x"), Fast()), StatusIs(StatusCode::kAlreadyExists));
  EXPECT_THAT(LocalStore::Create(dir.File("other.db"), Pass(""), Fast()),
              StatusIs(StatusCode::kInvalidArgument));
}

TEST(LocalStoreTest, TamperedCiphertextIsDetected) {
  TempDir dir;
  const auto path = dir.File("store.db");
  {
    auto store = LocalStore::Create(path, Pass("p"), Fast());
    ASSERT_TRUE(store.has_value());
    ASSERT_OK((*store)->PutContact(MakeContact("a")));
    ASSERT_OK((*store)->AddMessage({0, "m", "a", Direction::kIn, 1, "secret body"}));
  }
  // Flip a byte in the middle of the sealed message row: the table digest
  // no longer matches, so the store refuses to open.
  RawExec(path,
          "UPDATE messages_v5 SET row = substr(row, 1, 30) || "
          "CASE WHEN substr(row, 31, 1) = X'00' THEN X'01' ELSE X'00' END || substr(row, 32)");
  auto store = LocalStore::Open(path, Pass("p"));
  EXPECT_THAT(store, StatusIs(StatusCode::kCorrupt));
  EXPECT_NE(store.error().message().find("'messages'"), std::string::npos) << store.error();
}

// The same byte flipped under a handle opened before: the row itself fails
// authentication when read.
TEST(LocalStoreTest, TamperedRowUnderAnOpenHandleFailsAuthentication) {
  TempDir dir;
  const auto path = dir.File("store.db");
  auto store = LocalStore::Create(path, Pass("p"), Fast());
  ASSERT_OK(store);
  ASSERT_OK((*store)->AddMessage({0, "m", "a", Direction::kIn, 1, "secret body"}));
  RawExec(path,
          "UPDATE messages_v5 SET row = substr(row, 1, 30) || "
          "CASE WHEN substr(row, 31, 1) = X'00' THEN X'01' ELSE X'00' END || substr(row, 32)");
  auto msgs = (*store)->ListMessages();
  EXPECT_THAT(msgs, StatusIs(StatusCode::kCorrupt));
  EXPECT_NE(msgs.error().message().find("fails authentication"), std::string::npos);
}

TEST(LocalStoreTest, CiphertextMovedToAnotherRowFails) {
  TempDir dir;
  const auto path = dir.File("store.db");
  {
    auto store = LocalStore::Create(path, Pass("p"), Fast());
    ASSERT_TRUE(store.has_value());
    ASSERT_OK((*store)->PutContact(MakeContact("a")));
    ASSERT_OK((*store)->PutContact(MakeContact("b")));
  }
  // Under a handle already open (the digests are checked at open): the row
  // copied onto b's key fails authentication there.
  auto store = LocalStore::Open(path, Pass("p"));
  ASSERT_OK(store);
  RawExec(path,
          "UPDATE contacts_v5 SET row = (SELECT row FROM contacts_v5 ORDER BY rowid LIMIT 1) "
          "WHERE rowid = (SELECT MAX(rowid) FROM contacts_v5)");
  EXPECT_TRUE((*store)->GetContact("a").has_value());
  EXPECT_THAT((*store)->GetContact("b"), StatusIs(StatusCode::kCorrupt));
}

TEST(LocalStoreTest, CorruptSchemaVersionIsCorrupt) {
  TempDir dir;
  const auto path = dir.File("store.db");
  ASSERT_TRUE(LocalStore::Create(path, Pass("p"), Fast()).has_value());
  RawExec(path, "UPDATE meta SET v = X'00' WHERE k = 'schema_version'");
  EXPECT_THAT(LocalStore::Open(path, Pass("p")), StatusIs(StatusCode::kCorrupt));
}

TEST(LocalStoreTest, TransactionRollsBack) {
  TempDir dir;
  auto store = LocalStore::Create(dir.File("s.db"), Pass("p"), Fast());
  ASSERT_TRUE(store.has_value());
  Status s = (*store)->Transaction([&] {
    EXPECT_OK((*store)->PutContact(MakeContact("x")));
    EXPECT_OK((*store)->AddMessage({0, "1", "x", Direction::kIn, 1, "b"}));
    return Internal("boom");
  });
  EXPECT_FALSE(s.ok());
  EXPECT_THAT((*store)->GetContact("x"), StatusIs(StatusCode::kNotFound));
  EXPECT_TRUE((*store)->ListMessages()->empty());
  EXPECT_FALSE(*(*store)->SeenMessage("x", "1"));
}

Bytes B(std::string_view s) { return ToBytes(s); }

TEST(LocalStoreTest, AppValuesRoundTripAndPersist) {
  TempDir dir;
  const auto path = dir.File("store.db");
  {
    auto store = LocalStore::Create(path, Pass("p"), Fast());
    ASSERT_TRUE(store.has_value());
    LocalStore& s = **store;
    ASSERT_OK(s.PutAppValue("talks", "talk/1/state", B("one")));
    ASSERT_OK(s.PutAppValue("talks", "talk/2/state", B("two")));
    ASSERT_OK(s.PutAppValue("talks", "talk/10", {}));
    ASSERT_OK(s.PutAppValue("talks", "tally", B("t")));
    ASSERT_OK(s.PutAppValue("other", "talk/1/state", B("not talks")));
    ASSERT_OK(s.PutAppValue("talks", "talk/1/state", B("one again")));  // replaces
  }
  auto store = LocalStore::Open(path, Pass("p"));
  ASSERT_TRUE(store.has_value()) << store.error();
  LocalStore& s = **store;
  auto v = s.GetAppValue("talks", "talk/1/state");
  ASSERT_TRUE(v.has_value()) << v.error();
  ASSERT_TRUE(v->has_value());
  EXPECT_EQ(**v, B("one again"));
  auto empty = s.GetAppValue("talks", "talk/10");
  ASSERT_TRUE(empty.has_value() && empty->has_value());
  EXPECT_TRUE((*empty)->empty());
  EXPECT_EQ(**s.GetAppValue("other", "talk/1/state"), B("not talks"));
  EXPECT_FALSE(s.GetAppValue("talks", "absent")->has_value());
  EXPECT_EQ(*s.ListAppKeys("talks", "talk/"),
            (std::vector<std::string>{"talk/1/state", "talk/10", "talk/2/state"}));
  EXPECT_EQ(*s.ListAppKeys("talks", "talk/1"),
            (std::vector<std::string>{"talk/1/state", "talk/10"}));
  EXPECT_EQ(s.ListAppKeys("talks")->size(), 4U);
  EXPECT_TRUE(s.ListAppKeys("nobody")->empty());
  ASSERT_OK(s.DeleteAppValue("talks", "talk/1/state"));
  ASSERT_OK(s.DeleteAppValue("talks", "talk/1/state")) << "deleting twice is fine";
  EXPECT_FALSE(s.GetAppValue("talks", "talk/1/state")->has_value());
  EXPECT_TRUE(s.GetAppValue("other", "talk/1/state")->has_value());
}

TEST(LocalStoreTest, AppArgumentsAreChecked) {
  TempDir dir;
  auto store = LocalStore::Create(dir.File("s.db"), Pass("p"), Fast());
  ASSERT_TRUE(store.has_value());
  LocalStore& s = **store;
  for (const std::string& bad :
       std::vector<std::string>{"", "Talks", "a/b", std::string(33, 'a')}) {
    EXPECT_THAT(s.PutAppValue(bad, "k", B("v")), StatusIs(StatusCode::kInvalidArgument)) << bad;
    EXPECT_THAT(s.AppendAppLog(bad, "l", B("e")), StatusIs(StatusCode::kInvalidArgument));
  }
  EXPECT_THAT(s.PutAppValue("talks", "", B("v")), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(s.GetAppValue("talks", std::string(257, 'k')),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(s.AppendAppLog("talks", "", B("e")), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(s.ListAppLog("talks", ""), StatusIs(StatusCode::kInvalidArgument));
}

TEST(LocalStoreTest, AppLogAppendsInOrderPerLog) {
  TempDir dir;
  auto store = LocalStore::Create(dir.File("s.db"), Pass("p"), Fast());
  ASSERT_TRUE(store.has_value());
  LocalStore& s = **store;
  for (int i = 1; i <= 3; ++i) {
    auto seq = s.AppendAppLog("talks", "t1", B("e" + std::to_string(i)));
    ASSERT_TRUE(seq.has_value()) << seq.error();
    EXPECT_EQ(*seq, i);
  }
  EXPECT_EQ(*s.AppendAppLog("talks", "t2", B("other log")), 1);
  EXPECT_EQ(*s.AppendAppLog("notes", "t1", B("other app")), 1);
  auto all = s.ListAppLog("talks", "t1");
  ASSERT_TRUE(all.has_value()) << all.error();
  ASSERT_EQ(all->size(), 3U);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ((*all)[i].seq, i + 1);
    EXPECT_EQ((*all)[i].entry, B("e" + std::to_string(i + 1)));
    EXPECT_OK((*all)[i].status);
  }
  auto tail = s.ListAppLog("talks", "t1", 2);
  ASSERT_TRUE(tail.has_value());
  ASSERT_EQ(tail->size(), 1U);
  EXPECT_EQ((*tail)[0].entry, B("e3"));
  EXPECT_TRUE(s.ListAppLog("talks", "none")->empty());
}

// Writes an app log of `n` entries "e1".."en" in a new store at `path`.
// The two logs of MakeLog in raw SQL (their names are keyed indexes in the
// file): t1 has n >= 2 entries, t2 one.
constexpr const char* kT1 = "(SELECT log FROM app_log_heads WHERE last_seq > 1)";
constexpr const char* kT2 = "(SELECT log FROM app_log_heads WHERE last_seq = 1)";

void MakeLog(const std::string& path, int n) {
  auto store = LocalStore::Create(path, Pass("p"), Fast());
  ASSERT_TRUE(store.has_value());
  for (int i = 1; i <= n; ++i) {
    ASSERT_TRUE((*store)->AppendAppLog("talks", "t1", B("e" + std::to_string(i))).has_value());
  }
  ASSERT_TRUE((*store)->AppendAppLog("talks", "t2", B("x1")).has_value());
}

TEST(LocalStoreTest, AppLogRowMovedOrSwappedFailsAuthentication) {
  TempDir dir;
  const auto path = dir.File("store.db");
  MakeLog(path, 3);
  // Swap entries 1 and 2 (the attacker reorders the log).
  const std::string t1 = kT1;
  const std::string t2 = kT2;
  RawExec(path, "UPDATE app_log SET seq = 100 WHERE log = " + t1 + " AND seq = 1; " +
                    "UPDATE app_log SET seq = 1 WHERE log = " + t1 + " AND seq = 2; " +
                    "UPDATE app_log SET seq = 2 WHERE log = " + t1 + " AND seq = 100");
  // Copy the other log's entry 1 over this log's entry 3.
  RawExec(path, "UPDATE app_log SET entry = (SELECT entry FROM app_log WHERE log = " + t2 +
                    " AND seq = 1) WHERE log = " + t1 + " AND seq = 3");
  auto store = LocalStore::Open(path, Pass("p"));
  ASSERT_TRUE(store.has_value());
  auto strict = (*store)->ListAppLog("talks", "t1");
  ASSERT_FALSE(strict.has_value());
  EXPECT_THAT(strict, StatusIs(StatusCode::kCorrupt));
  EXPECT_NE(strict.error().message().find("app_log entry 1 fails authentication"),
            std::string::npos)
      << strict.error();
  auto lenient = (*store)->ListAppLogLenient("talks", "t1");
  ASSERT_TRUE(lenient.has_value()) << lenient.error();
  ASSERT_EQ(lenient->size(), 3U);
  for (std::int64_t seq = 1; seq <= 3; ++seq) {
    const auto& e = (*lenient)[static_cast<std::size_t>(seq - 1)];
    EXPECT_EQ(e.seq, seq);
    EXPECT_THAT(e.status, StatusIs(StatusCode::kCorrupt));
    EXPECT_NE(
        e.status.message().find("app_log entry " + std::to_string(seq) + " fails authentication"),
        std::string::npos)
        << e.status;
    EXPECT_TRUE(e.entry.empty());
  }
  EXPECT_TRUE((*store)->ListAppLog("talks", "t2").has_value()) << "the source row still opens";
}

TEST(LocalStoreTest, AppLogRowRenumberedFailsAuthentication) {
  TempDir dir;
  const auto path = dir.File("store.db");
  MakeLog(path, 2);
  RawExec(path, std::string("DELETE FROM app_log WHERE log = ") + kT1 + " AND seq = 1");
  RawExec(path, std::string("UPDATE app_log SET seq = 1 WHERE log = ") + kT1 + " AND seq = 2");
  auto store = LocalStore::Open(path, Pass("p"));
  ASSERT_TRUE(store.has_value());
  auto lenient = (*store)->ListAppLogLenient("talks", "t1");
  ASSERT_TRUE(lenient.has_value());
  ASSERT_EQ(lenient->size(), 1U);
  EXPECT_EQ((*lenient)[0].seq, 1);
  EXPECT_THAT((*lenient)[0].status, StatusIs(StatusCode::kCorrupt));
}

TEST(LocalStoreTest, AppLogDeletedRowsLeaveAGap) {
  TempDir dir;
  const auto path = dir.File("store.db");
  MakeLog(path, 4);
  RawExec(path, std::string("DELETE FROM app_log WHERE log = ") + kT1 + " AND seq IN (2, 4)");
  auto store = LocalStore::Open(path, Pass("p"));
  ASSERT_TRUE(store.has_value());
  auto rest = (*store)->ListAppLog("talks", "t1");
  ASSERT_TRUE(rest.has_value()) << rest.error();
  ASSERT_EQ(rest->size(), 2U);
  EXPECT_EQ((*rest)[0].seq, 1);
  EXPECT_EQ((*rest)[1].seq, 3);
  EXPECT_EQ((*rest)[1].entry, B("e3"));
  // The deleted last seq is not handed out again.
  EXPECT_EQ(*(*store)->AppendAppLog("talks", "t1", B("e5")), 5);
}

// Schema 6: a talks id or a contact's name used as an app key or log name
// never shows in the file (keyed indexes; the key sealed beside its value).
TEST(LocalStoreTest, AppKeysAndLogNamesDoNotShowInTheFile) {
  TempDir dir;
  const auto path = dir.File("store.db");
  {
    auto store = LocalStore::Create(path, Pass("p"), Fast());
    ASSERT_OK(store);
    ASSERT_OK((*store)->PutAppValue("talks", "meta/gulf-talks-2003", B("m")));
    ASSERT_OK((*store)->PutAppValue("talks", "head/gulf-talks-2003", B("h")));
    ASSERT_OK((*store)->PutAppValue("talks", "outbox-1", B("o")));
    ASSERT_TRUE((*store)->AppendAppLog("talks", "gulf-talks-2003", B("e1")).has_value());
    auto listed = (*store)->ListAppKeys("talks", "meta/");
    ASSERT_OK(listed);
    EXPECT_EQ(*listed, std::vector<std::string>{"meta/gulf-talks-2003"});
    auto all = (*store)->ListAppKeys("talks");
    ASSERT_OK(all);
    EXPECT_EQ(*all, (std::vector<std::string>{"head/gulf-talks-2003", "meta/gulf-talks-2003",
                                              "outbox-1"}));
  }
  for (const auto& f : std::filesystem::directory_iterator(dir.path())) {
    std::ifstream in(f.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(bytes.find("gulf-talks"), std::string::npos) << f.path();
    EXPECT_EQ(bytes.find("outbox-1"), std::string::npos) << f.path();
  }
  auto store = LocalStore::Open(path, Pass("p"));
  ASSERT_OK(store);
  EXPECT_EQ(**(*store)->GetAppValue("talks", "meta/gulf-talks-2003"), B("m"));
  auto log = (*store)->ListAppLog("talks", "gulf-talks-2003");
  ASSERT_OK(log);
  ASSERT_EQ(log->size(), 1U);
  EXPECT_EQ((*log)[0].entry, B("e1"));
}

// A schema 5 store's app rows (keys and log names in clear, sealed under
// associated data naming them) are moved to keyed indexes by the upgrade;
// an entry that failed authentication before still fails after it.
TEST(LocalStoreTest, SchemaVersion5AppRowsAreHiddenByTheUpgrade) {
  TempDir dir;
  const auto path = dir.File("store.db");
  ASSERT_OK(LocalStore::Create(path, Pass("p"), Fast()).status());
  MakeV5AppLayout(path);
  auto key = LocalStore::DeriveStoreKey(path, Pass("p"));
  ASSERT_OK(key);
  RawExec(path, "INSERT INTO app_values (app, key, value) VALUES ('talks', 'meta/t9', " +
                    V4Field(*key, "meta", "app_values|talks/meta/t9|value") +
                    "); INSERT INTO app_log (app, log, seq, entry) VALUES ('talks', 't9', 1, " +
                    V4Field(*key, "e1", "app_log|talks/t9/1|entry") + "), ('talks', 't9', 2, " +
                    V4Field(*key, "e2", "app_log|talks/t9/3|entry") +
                    "); INSERT INTO app_log_heads (app, log, last_seq) VALUES ('talks', 't9', 2); "
                    "INSERT INTO settings (k, v) VALUES ('undecryptable_notice/Amb. Rahimi', '1'); "
                    "UPDATE meta SET v = X'0500000000000000' WHERE k = 'schema_version'");
  EXPECT_THAT(LocalStore::Open(path, Pass("wrong")), StatusIs(StatusCode::kPermissionDenied));
  EXPECT_EQ(RawSchemaVersion(path), 5) << "a wrong passphrase changes nothing";
  {
    auto store = LocalStore::Open(path, Pass("p"));
    ASSERT_OK(store);
    EXPECT_EQ(RawSchemaVersion(path), 6);
    EXPECT_EQ(**(*store)->GetAppValue("talks", "meta/t9"), B("meta"));
    EXPECT_EQ(*(*store)->ListAppKeys("talks", "meta/"), std::vector<std::string>{"meta/t9"});
    auto log = (*store)->ListAppLogLenient("talks", "t9");
    ASSERT_OK(log);
    ASSERT_EQ(log->size(), 2U);
    EXPECT_EQ((*log)[0].entry, B("e1"));
    EXPECT_THAT((*log)[1].status, StatusIs(StatusCode::kCorrupt)) << "moved before: still caught";
    EXPECT_EQ(*(*store)->AppendAppLog("talks", "t9", B("e3")), 3) << "the head moved with it";
    EXPECT_FALSE((*store)->GetSetting("undecryptable_notice/Amb. Rahimi")->has_value());
  }
  for (const auto& f : std::filesystem::directory_iterator(dir.path())) {
    std::ifstream in(f.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(bytes.find("meta/t9"), std::string::npos) << f.path();
    EXPECT_EQ(bytes.find("Rahimi"), std::string::npos) << f.path();
  }
}

TEST(LocalStoreTest, AppValueMovedToAnotherKeyFails) {
  TempDir dir;
  const auto path = dir.File("store.db");
  {
    auto store = LocalStore::Create(path, Pass("p"), Fast());
    ASSERT_TRUE(store.has_value());
    ASSERT_OK((*store)->PutAppValue("talks", "a", B("secret a")));
    ASSERT_OK((*store)->PutAppValue("talks", "b", B("secret b")));
    ASSERT_OK((*store)->PutAppValue("notes", "a", B("notes a")));
  }
  // Rows in the order written (their keys are keyed indexes in the file):
  // 1 talks/a, 2 talks/b, 3 notes/a.
  RawExec(path,
          "UPDATE app_values SET value = (SELECT value FROM app_values WHERE rowid = 1) "
          "WHERE rowid IN (2, 3)");
  auto store = LocalStore::Open(path, Pass("p"));
  ASSERT_TRUE(store.has_value());
  EXPECT_EQ(**(*store)->GetAppValue("talks", "a"), B("secret a"));
  EXPECT_THAT((*store)->GetAppValue("talks", "b"), StatusIs(StatusCode::kCorrupt));
  EXPECT_THAT((*store)->GetAppValue("notes", "a"), StatusIs(StatusCode::kCorrupt));
}

TEST(LocalStoreTest, AppWritesRollBackWithTheTransaction) {
  TempDir dir;
  auto store = LocalStore::Create(dir.File("s.db"), Pass("p"), Fast());
  ASSERT_TRUE(store.has_value());
  LocalStore& s = **store;
  ASSERT_OK(s.PutAppValue("talks", "kept", B("1")));
  Status outer = s.Transaction([&] {
    EXPECT_OK(s.PutAppValue("talks", "outer", B("o")));
    Status inner = s.Transaction([&] {
      EXPECT_OK(s.PutAppValue("talks", "inner", B("i")));
      EXPECT_OK(s.DeleteAppValue("talks", "kept"));
      EXPECT_EQ(*s.AppendAppLog("talks", "t", B("e")), 1);
      EXPECT_TRUE(*s.MarkSeen("bob", "m1"));
      return Internal("handler refused");
    });
    EXPECT_FALSE(inner.ok());
    EXPECT_FALSE(s.GetAppValue("talks", "inner")->has_value());
    EXPECT_TRUE(s.GetAppValue("talks", "kept")->has_value());
    EXPECT_TRUE(s.ListAppLog("talks", "t")->empty());
    EXPECT_FALSE(*s.SeenMessage("bob", "m1"));
    return Status::Ok();
  });
  ASSERT_OK(outer);
  EXPECT_TRUE(s.GetAppValue("talks", "outer")->has_value());
  EXPECT_EQ(*s.AppendAppLog("talks", "t", B("e")), 1) << "the rolled-back seq is free again";
  Status failed = s.Transaction([&] {
    EXPECT_OK(s.PutAppValue("talks", "x", B("x")));
    EXPECT_TRUE(s.AppendAppLog("talks", "t", B("f")).has_value());
    return Internal("boom");
  });
  EXPECT_FALSE(failed.ok());
  EXPECT_FALSE(s.GetAppValue("talks", "x")->has_value());
  EXPECT_EQ(s.ListAppLog("talks", "t")->size(), 1U);
}

TEST(LocalStoreTest, MarkSeen) {
  TempDir dir;
  auto store = LocalStore::Create(dir.File("s.db"), Pass("p"), Fast());
  ASSERT_TRUE(store.has_value());
  EXPECT_TRUE(*(*store)->MarkSeen("bob", "m1"));
  EXPECT_FALSE(*(*store)->MarkSeen("bob", "m1"));
  EXPECT_TRUE(*(*store)->SeenMessage("bob", "m1"));
  EXPECT_FALSE(*(*store)->SeenMessage("carol", "m1"));
  EXPECT_FALSE(*(*store)->AddMessage({0, "m1", "bob", Direction::kIn, 1, "x"}))
      << "a seen id is a duplicate for AddMessage too";
}

TEST(LocalStoreTest, SchemaVersion1IsUpgraded) {
  TempDir dir;
  const auto path = dir.File("store.db");
  ASSERT_TRUE(LocalStore::Create(path, Pass("p"), Fast()).has_value());
  MakeV4Layout(path);
  // What a version 1 store looks like.
  RawExec(
      path,
      "DROP TABLE app_values; DROP TABLE app_log; DROP TABLE app_log_heads; "
      "ALTER TABLE prekeys DROP COLUMN created_ms; ALTER TABLE prekeys DROP COLUMN retired_ms; "
      "DROP TABLE outbox; ALTER TABLE messages DROP COLUMN delivery; DROP TABLE pending_requests; "
      "ALTER TABLE authorities DROP COLUMN scope; ALTER TABLE contacts DROP COLUMN compared_key; "
      "UPDATE meta SET v = X'0100000000000000' WHERE k = 'schema_version'");
  EXPECT_THAT(LocalStore::Open(path, Pass("wrong")), StatusIs(StatusCode::kPermissionDenied));
  {
    auto store = LocalStore::Open(path, Pass("p"));
    ASSERT_TRUE(store.has_value()) << store.error();
    ASSERT_OK((*store)->PutAppValue("talks", "k", B("v")));
    EXPECT_EQ(*(*store)->AppendAppLog("talks", "t", B("e")), 1);
  }
  auto store = LocalStore::Open(path, Pass("p"));
  ASSERT_TRUE(store.has_value()) << store.error();
  EXPECT_EQ(**(*store)->GetAppValue("talks", "k"), B("v"));
  RawExec(path, "UPDATE meta SET v = X'0700000000000000' WHERE k = 'schema_version'");
  EXPECT_THAT(LocalStore::Open(path, Pass("p")), StatusIs(StatusCode::kUnsupportedVersion));
}

TEST(LocalStoreTest, SchemaVersion2IsUpgradedAndItsSignedPreKeyHasNoAge) {
  TempDir dir;
  const auto path = dir.File("store.db");
  auto id = session::GenerateIdentityKeyPair();
  {
    auto store = LocalStore::Create(path, Pass("p"), Fast());
    ASSERT_TRUE(store.has_value());
    EXPECT_EQ(RawSchemaVersion(path), 6);
    ASSERT_OK((*store)->PutSignedPreKey(session::GenerateSignedPreKey(id, 1)));
  }
  MakeV4Layout(path);
  auto key = LocalStore::DeriveStoreKey(path, Pass("p"));
  ASSERT_OK(key);
  RawExec(path, "INSERT INTO app_values (app, key, value) VALUES ('talks', 'k', " +
                    V4Field(*key, "v", "app_values|talks/k|value") + ")");
  // What a version 2 store looks like: no times on prekeys.
  RawExec(
      path,
      "ALTER TABLE prekeys DROP COLUMN created_ms; ALTER TABLE prekeys DROP COLUMN retired_ms; "
      "DROP TABLE outbox; ALTER TABLE messages DROP COLUMN delivery; DROP TABLE pending_requests; "
      "ALTER TABLE authorities DROP COLUMN scope; ALTER TABLE contacts DROP COLUMN compared_key; "
      "UPDATE meta SET v = X'0200000000000000' WHERE k = 'schema_version'");
  EXPECT_THAT(LocalStore::Open(path, Pass("wrong")), StatusIs(StatusCode::kPermissionDenied));
  EXPECT_EQ(RawSchemaVersion(path), 2) << "a wrong passphrase changes nothing";
  {
    auto store = LocalStore::Open(path, Pass("p"));
    ASSERT_TRUE(store.has_value()) << store.error();
    EXPECT_EQ(RawSchemaVersion(path), 6);
    auto keys = (*store)->ListSignedPreKeys();
    ASSERT_TRUE(keys.has_value()) << keys.error();
    ASSERT_EQ(keys->size(), 1U);
    EXPECT_EQ((*keys)[0].id, 1U);
    EXPECT_EQ((*keys)[0].created_ms, 0) << "age unknown: rotated at the next receive";
    EXPECT_EQ((*keys)[0].retired_ms, 0);
    EXPECT_FALSE((*keys)[0].wiped);
    EXPECT_EQ(**(*store)->GetAppValue("talks", "k"), B("v"));
    ASSERT_OK((*store)->PutSignedPreKey(session::GenerateSignedPreKey(id, 2), 1234));
    ASSERT_OK((*store)->RetireSignedPreKey(1, 5678));
  }
  auto store = LocalStore::Open(path, Pass("p"));
  ASSERT_TRUE(store.has_value()) << store.error();
  auto keys = (*store)->ListSignedPreKeys();
  ASSERT_TRUE(keys.has_value());
  ASSERT_EQ(keys->size(), 2U);
  EXPECT_EQ((*keys)[0].retired_ms, 5678);
  EXPECT_EQ((*keys)[1].created_ms, 1234);
  EXPECT_EQ((*keys)[1].retired_ms, 0);
}

TEST(LocalStoreTest, SchemaVersion3IsUpgradedWithAnEmptyOutbox) {
  TempDir dir;
  const auto path = dir.File("store.db");
  {
    auto store = LocalStore::Create(path, Pass("p"), Fast());
    ASSERT_OK(store);
  }
  MakeV4Layout(path);
  // What a version 3 store looks like: no outbox, no delivery state. (A
  // schema 3 store with rows of every kind: tests/golden.)
  RawExec(
      path,
      "DROP TABLE outbox; ALTER TABLE messages DROP COLUMN delivery; DROP TABLE pending_requests; "
      "ALTER TABLE authorities DROP COLUMN scope; ALTER TABLE contacts DROP COLUMN compared_key; "
      "UPDATE meta SET v = X'0300000000000000' WHERE k = 'schema_version'");
  EXPECT_THAT(LocalStore::Open(path, Pass("wrong")), StatusIs(StatusCode::kPermissionDenied));
  EXPECT_EQ(RawSchemaVersion(path), 3) << "a wrong passphrase changes nothing";
  auto store = LocalStore::Open(path, Pass("p"));
  ASSERT_OK(store);
  EXPECT_EQ(RawSchemaVersion(path), 6);
  auto msgs = (*store)->ListMessages();
  ASSERT_OK(msgs);
  EXPECT_TRUE(msgs->empty());
  auto outbox = (*store)->ListOutbox();
  ASSERT_OK(outbox);
  EXPECT_TRUE(outbox->empty());
  ASSERT_OK((*store)->AddOutbox({0, "bob", "m2", B("sealed"), 5, 0, ""}));
  EXPECT_EQ((*store)->ListOutbox()->size(), 1U);
}

TEST(LocalStoreTest, OutboxEntriesAreSealedKeptInOrderAndRemovedOnce) {
  TempDir dir;
  const auto path = dir.File("store.db");
  auto store = LocalStore::Create(path, Pass("p"), Fast());
  ASSERT_OK(store);
  LocalStore& s = **store;
  ASSERT_OK(s.AddMessage({0, "m1", "bob", Direction::kOut, 1, "first", Delivery::kQueued}));
  auto a = s.AddOutbox({0, "bob", "m1", B("envelope one"), 10, 0, ""});
  auto b = s.AddOutbox({0, "carol", "m2", B("envelope two"), 11, 0, ""});
  ASSERT_OK(a);
  ASSERT_OK(b);
  EXPECT_LT(*a, *b);
  EXPECT_THAT(s.AddOutbox({0, "bob", "m1", B("again"), 12, 0, ""}),
              StatusIs(StatusCode::kAlreadyExists))
      << "one entry per message";
  ASSERT_OK(s.NoteOutboxFailure(*a, "relay unreachable"));
  auto all = s.ListOutbox();
  ASSERT_OK(all);
  ASSERT_EQ(all->size(), 2U);
  EXPECT_EQ((*all)[0].envelope, B("envelope one"));
  EXPECT_EQ((*all)[0].attempts, 1);
  EXPECT_EQ((*all)[0].last_error, "relay unreachable");
  EXPECT_EQ(s.ListOutbox("carol")->size(), 1U);
  ASSERT_OK(s.RemoveOutbox(*a));
  EXPECT_THAT(s.RemoveOutbox(*a), StatusIs(StatusCode::kNotFound));
  ASSERT_OK(s.SetDelivery("bob", "m1", Delivery::kSent));
  EXPECT_EQ((*s.ListMessages("bob"))[0].delivery, Delivery::kSent);
  EXPECT_THAT(s.SetDelivery("bob", "nope", Delivery::kSent), StatusIs(StatusCode::kNotFound));

  // The envelope is encrypted at rest and bound to its row.
  RawExec(path, "UPDATE outbox_v5 SET message_id = 'm9' WHERE message_id = 'm2'");
  EXPECT_THAT(s.ListOutbox(), StatusIs(StatusCode::kCorrupt));
}

TEST(LocalStoreTest, WipedSignedPreKeyLosesItsPrivateKeyButKeepsItsId) {
  TempDir dir;
  const auto path = dir.File("store.db");
  auto id = session::GenerateIdentityKeyPair();
  {
    auto store = LocalStore::Create(path, Pass("p"), Fast());
    ASSERT_TRUE(store.has_value());
    LocalStore& s = **store;
    ASSERT_OK(s.PutSignedPreKey(session::GenerateSignedPreKey(id, 1), 100));
    ASSERT_OK(s.PutSignedPreKey(session::GenerateSignedPreKey(id, 2), 200));
    ASSERT_OK(s.RetireSignedPreKey(1, 200));
    ASSERT_OK(s.RetireSignedPreKey(1, 300));  // only the first time counts
    ASSERT_OK(s.WipeSignedPreKey(1));
    auto prekeys = s.LoadPreKeys();
    ASSERT_TRUE(prekeys.has_value());
    EXPECT_EQ(prekeys->FindSignedPreKey(1), nullptr);
    EXPECT_NE(prekeys->FindSignedPreKey(2), nullptr);
  }
  // The raw file: the row is there, its private key is not.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db,
                               "SELECT id, private_key IS NULL, used, retired_ms FROM prekeys "
                               "WHERE kind = 'signed' ORDER BY id",
                               -1, &st, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(st, 0), 1);
  EXPECT_EQ(sqlite3_column_int(st, 1), 1) << "private key wiped";
  EXPECT_EQ(sqlite3_column_int(st, 2), 1);
  EXPECT_EQ(sqlite3_column_int64(st, 3), 200);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(st, 1), 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  auto store = LocalStore::Open(path, Pass("p"));
  ASSERT_TRUE(store.has_value());
  auto keys = (*store)->ListSignedPreKeys();
  ASSERT_TRUE(keys.has_value());
  ASSERT_EQ(keys->size(), 2U);
  EXPECT_TRUE((*keys)[0].wiped);
  EXPECT_FALSE((*keys)[1].wiped);
  EXPECT_EQ((*keys)[1].created_ms, 200);
}

}  // namespace
}  // namespace backchannel::client

namespace backchannel::client {
namespace {

// Mailbox ids and delivery tokens are stored as base64url text (the format
// from before they were typed) and typed once, on load: a stored value of
// the wrong size is kCorrupt naming it, never a crash, and reading it
// changes nothing in the file.
TEST(LocalStoreTest, AStoredMailboxIdOrTokenOfTheWrongSizeIsRefusedByName) {
  TempDir dir;
  const auto path = dir.File("store.db");
  {
    auto store = LocalStore::Create(path, Pass("p"), Fast());
    ASSERT_OK(store);
    ASSERT_OK((*store)->PutRelayConfig(
        {"127.0.0.1:9", FromHexFixed<CertificatePin>(std::string(64, 'b')).value(),
         TestMailboxId(1), SecretBytes(Bytes(64, 1)), TestDeliveryToken(2)}));
  }
  const std::string fifteen = ToBase64(Bytes(15, 1), Base64Variant::kUrlSafeNoPadding);
  RawExec(path, "UPDATE relay SET mailbox = '" + fifteen + "'");
  {
    auto store = LocalStore::Open(path, Pass("p"));
    ASSERT_OK(store);
    EXPECT_THAT((*store)->GetRelayConfig(),
                StatusIs(StatusCode::kCorrupt,
                         HasSubstr("our mailbox id is not the base64url of 16 bytes")));
  }
  EXPECT_EQ(RawText(path, "SELECT mailbox FROM relay"), fifteen);

  // A contact row (sealed) whose token field is 31 bytes of base64url.
  Contact c = MakeContact("iran");
  const std::string pin = ToHex(c.address.pin);
  const std::string mailbox = B64u(c.address.mailbox);
  const std::string short_token = ToBase64(Bytes(31, 2), Base64Variant::kUrlSafeNoPadding);
  const std::array<std::uint8_t, 8> created{};
  const SecretBytes row = store::EncodeFields({AsBytes(c.name),
                                               c.identity_key,
                                               AsBytes(c.address.relay),
                                               AsBytes(pin),
                                               AsBytes(mailbox),
                                               AsBytes(short_token),
                                               store::StoredOptionalKey(c.authority_key),
                                               AsBytes(c.authority_label),
                                               {},
                                               {},
                                               created,
                                               {}});
  EXPECT_THAT(store::DecodeContactRow(row.view()),
              StatusIs(StatusCode::kCorrupt, HasSubstr("delivery token")));
  const SecretBytes good = store::EncodeContactRow(c);
  ASSERT_OK(store::DecodeContactRow(good.view()));
}

// A contact's or kept-back request's authority key is absent (no field
// bytes) or 32 bytes; a row with any other size is corrupt, and absence
// survives the round trip as absence, not as an all-zero key.
TEST(LocalStoreTest, AnOptionalAuthorityKeyIsAbsentOrExactly32Bytes) {
  Contact c = MakeContact("iran");
  c.authority_key.reset();
  const SecretBytes none = store::EncodeContactRow(c);
  auto back = store::DecodeContactRow(none.view());
  ASSERT_OK(back);
  EXPECT_FALSE(back->authority_key);

  PendingRequest r;
  r.received_ms = 1;
  r.envelope = Bytes{1, 2, 3};
  const std::array<std::uint8_t, 8> when{0, 0, 0, 0, 0, 0, 0, 1};
  for (std::size_t size : {1U, 31U, 33U}) {
    const Bytes key(size, 7);
    const SecretBytes pending = store::EncodeFields(
        {when, r.envelope, r.sender, key, AsBytes("Iran"), AsBytes("envoy"), AsBytes("bob")});
    EXPECT_THAT(store::DecodePendingRow(pending.view()),
                StatusIs(StatusCode::kCorrupt, HasSubstr("an authority key is not 32 bytes")))
        << size;
  }
  r.authority_key = AuthorityPublicKey::FromView(Bytes(32, 9));
  const SecretBytes kept = store::EncodePendingRow(r);
  auto pending = store::DecodePendingRow(kept.view());
  ASSERT_OK(pending);
  EXPECT_EQ(pending->authority_key, r.authority_key);
}

// The INSERT of schema 4's contact 'bob' (identity `identity`, authority
// key 32 x 7, created at 42), its mailbox column holding `mailbox` as text
// and its delivery token sealed as schema 4 sealed it. `full`: a credential,
// a session and a compared key too; otherwise those are NULL.
std::string V4BobInsert(const StoreKey& key, const session::PublicKey& identity,
                        const std::string& mailbox, bool full) {
  const std::string extras = full ? V4Field(key, "cred", "contacts|bob|credential") + ", " +
                                        V4Field(key, "sess", "contacts|bob|session") + ", 42, X'" +
                                        ToHex(identity) + "'"
                                  : std::string("NULL, NULL, 42, NULL");
  return "INSERT INTO contacts (name, identity_key, relay, pin, mailbox, delivery_token, "
         "authority_key, authority_label, credential, session, created_ms, compared_key) "
         "VALUES ('bob', X'" +
         ToHex(identity) + "', 'r:1', '" + std::string(64, 'a') + "', '" + mailbox + "', " +
         V4Field(key, B64u(TestDeliveryToken(2)), "contacts|bob|delivery_token") + ", X'" +
         ToHex(Bytes(32, 7)) + "', 'Iran', " + extras + "); ";
}

// The schema-4 upgrade types each contact's mailbox id as it moves the row:
// one of the wrong size stops the upgrade with a clear error and leaves the
// store as it was (still schema 4, the row still there).
TEST(LocalStoreTest, SchemaVersion4ContactWithAWrongSizeMailboxStopsTheUpgrade) {
  TempDir dir;
  const auto path = dir.File("store.db");
  ASSERT_OK(LocalStore::Create(path, Pass("p"), Fast()).status());
  MakeV4Layout(path);
  auto key = LocalStore::DeriveStoreKey(path, Pass("p"));
  ASSERT_OK(key);
  const auto bob_key = session::GenerateIdentityKeyPair().public_key;
  RawExec(path, V4BobInsert(*key, bob_key, "mb", /*full=*/false));
  ASSERT_EQ(RawSchemaVersion(path), 4);
  EXPECT_THAT(LocalStore::Open(path, Pass("p")),
              StatusIs(StatusCode::kCorrupt,
                       HasSubstr("a contact's mailbox id is not the base64url of 16 bytes")));
  EXPECT_EQ(RawSchemaVersion(path), 4);
  EXPECT_EQ(RawText(path, "SELECT mailbox FROM contacts WHERE name = 'bob'"), "mb");
  EXPECT_EQ(RawText(path, "SELECT count(*) FROM sqlite_master WHERE name = 'contacts_v5'"), "0");
}

// A schema 4 store with a row of every kind the upgrade seals (written with
// the v4 layout and associated data): everything reads back after the
// upgrade, seqs kept, and the upgraded store reopens (its digests hold).
TEST(LocalStoreTest, SchemaVersion4RowsOfEveryKindAreSealedByTheUpgrade) {
  TempDir dir;
  const auto path = dir.File("store.db");
  ASSERT_OK(LocalStore::Create(path, Pass("p"), Fast()).status());
  MakeV4Layout(path);
  auto key = LocalStore::DeriveStoreKey(path, Pass("p"));
  ASSERT_OK(key);
  const auto bob_key = session::GenerateIdentityKeyPair().public_key;
  const std::string sender(64, 'c');
  RawExec(path,
          "INSERT INTO authorities (key, label, revocations, scope) VALUES (X'" +
              ToHex(Bytes(32, 1)) +
              "', 'Iran', X'0102', '{\"sides\":[\"Iran\"],\"roles\":[\"envoy\"]}'); " +
              V4BobInsert(*key, bob_key, B64u(TestMailboxId(1)), /*full=*/true) +
              "INSERT INTO messages (seq, id, contact, direction, time_ms, body, delivery) VALUES "
              "(7, 'm1', 'bob', 'out', 99, " +
              V4Field(*key, "hello from v4", "messages|bob/m1|body") +
              ", 'queued'); "
              "INSERT INTO seen_ids (contact, id) VALUES ('bob', 'm1'); "
              "INSERT INTO outbox (seq, contact, message_id, envelope, created_ms, attempts, "
              "last_error) VALUES (3, 'bob', 'm1', " +
              V4Field(*key, "sealed env", "outbox|bob/m1|envelope") +
              ", 98, 2, 'relay down'); "
              "INSERT INTO pending_requests (seq, received_ms, envelope, sender, authority_key, "
              "side, role, display_name) VALUES (5, 1234, " +
              V4Field(*key, "kept", "pending_requests|1234/" + sender + "|envelope") + ", X'" +
              sender + "', X'" + ToHex(Bytes(32, 9)) + "', 'Iran', 'envoy', 'Envoy');");
  EXPECT_EQ(RawSchemaVersion(path), 4);
  {
    auto store = LocalStore::Open(path, Pass("p"));
    ASSERT_OK(store);
    EXPECT_EQ(RawSchemaVersion(path), 6);
  }
  auto store = LocalStore::Open(path, Pass("p"));
  ASSERT_OK(store);
  LocalStore& s = **store;
  auto authorities = s.ListAuthorities();
  ASSERT_OK(authorities);
  ASSERT_EQ(authorities->size(), 1U);
  EXPECT_TRUE((*authorities)[0].scoped);
  EXPECT_EQ((*authorities)[0].roles, std::vector<std::string>{"envoy"});
  EXPECT_EQ((*authorities)[0].revocations, (Bytes{1, 2}));
  auto bob = s.GetContact("bob");
  ASSERT_OK(bob);
  EXPECT_EQ(bob->address.mailbox, TestMailboxId(1));
  EXPECT_TRUE(ConstantTimeEqual(bob->address.delivery_token, TestDeliveryToken(2)));
  EXPECT_EQ(bob->credential, B("cred"));
  EXPECT_TRUE(bob->session.Equals(SecretBytes(AsBytes("sess"))));
  EXPECT_EQ(bob->created_ms, 42);
  ASSERT_OK(s.FindContactByIdentity(bob_key));
  EXPECT_TRUE(s.FindContactByIdentity(bob_key)->has_value());
  auto msgs = s.ListMessages("bob");
  ASSERT_OK(msgs);
  ASSERT_EQ(msgs->size(), 1U);
  EXPECT_EQ((*msgs)[0].seq, 7);
  EXPECT_EQ((*msgs)[0].body, "hello from v4");
  EXPECT_EQ((*msgs)[0].direction, Direction::kOut);
  EXPECT_EQ((*msgs)[0].time_ms, 99);
  EXPECT_EQ((*msgs)[0].delivery, Delivery::kQueued);
  EXPECT_TRUE(*s.SeenMessage("bob", "m1"));
  auto outbox = s.ListOutbox("bob");
  ASSERT_OK(outbox);
  ASSERT_EQ(outbox->size(), 1U);
  EXPECT_EQ((*outbox)[0].seq, 3);
  EXPECT_EQ((*outbox)[0].envelope, B("sealed env"));
  EXPECT_EQ((*outbox)[0].attempts, 2);
  auto pending = s.ListPending();
  ASSERT_OK(pending);
  ASSERT_EQ(pending->size(), 1U);
  EXPECT_EQ((*pending)[0].seq, 5);
  EXPECT_EQ((*pending)[0].envelope, B("kept"));
  EXPECT_EQ((*pending)[0].display_name, "Envoy");
  // New rows continue the seqs.
  ASSERT_OK(s.AddMessage({0, "m2", "bob", Direction::kIn, 100, "after"}));
  EXPECT_EQ(s.ListMessages("bob")->back().seq, 8);
}

// A v4 row that does not open fails the upgrade: nothing changes.
TEST(LocalStoreTest, SchemaVersion4UpgradeStopsAtATamperedRowAndChangesNothing) {
  TempDir dir;
  const auto path = dir.File("store.db");
  ASSERT_OK(LocalStore::Create(path, Pass("p"), Fast()).status());
  MakeV4Layout(path);
  auto key = LocalStore::DeriveStoreKey(path, Pass("p"));
  ASSERT_OK(key);
  // The body sealed for another row.
  RawExec(path,
          "INSERT INTO messages (seq, id, contact, direction, time_ms, body) VALUES (1, 'm1', "
          "'bob', 'in', 1, " +
              V4Field(*key, "x", "messages|carol/m1|body") + ");");
  auto store = LocalStore::Open(path, Pass("p"));
  EXPECT_THAT(store, StatusIs(StatusCode::kCorrupt));
  EXPECT_EQ(RawSchemaVersion(path), 4);
}

}  // namespace
}  // namespace backchannel::client
