#include "backchannel/client/local_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "backchannel/session/keys.h"
#include "client/temp_dir.h"

namespace backchannel::client {
namespace {

using testing::TempDir;

SecretBytes Pass(std::string_view s) { return SecretBytes(AsBytes(s)); }
StoreOptions Fast() { return {KdfCost::kInteractive}; }

// Runs one SQL statement on the raw file (the attacker's view).
void RawExec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
  sqlite3_free(err);
  sqlite3_close(db);
}

Contact MakeContact(const std::string& name) {
  Contact c;
  c.name = name;
  c.identity_key = session::GenerateIdentityKeyPair().public_key;
  c.address = {"127.0.0.1:1", std::string(64, 'a'), "mbox", "token-" + name};
  c.authority_key = Bytes(32, 7);
  c.authority_label = "Ministry";
  return c;
}

TEST(LocalStoreTest, CreateReopenPersists) {
  TempDir dir;
  const auto path = dir.File("store.db");
  auto id = session::GenerateIdentityKeyPair();
  {
    auto store = LocalStore::Create(path, Pass("correct horse"), Fast());
    ASSERT_TRUE(store.has_value()) << store.error();
    StoredIdentity si{id.Clone(), 4242, ToBytes(std::string_view("cred"))};
    ASSERT_TRUE((*store)->PutIdentity(si).ok());
    ASSERT_TRUE((*store)->PutSignedPreKey(session::GenerateSignedPreKey(id, 1)).ok());
    std::vector<session::OneTimePreKey> otks;
    for (std::uint32_t i = 1; i <= 5; ++i) otks.push_back(session::GenerateOneTimePreKey(i));
    ASSERT_TRUE((*store)->PutOneTimePreKeys(otks).ok());
    ASSERT_TRUE((*store)->MarkOneTimePreKeyUsed(2).ok());
    RelayConfig rc{"127.0.0.1:9", std::string(64, 'b'), "mb", SecretBytes(Bytes(64, 1)), "tok"};
    ASSERT_TRUE((*store)->PutRelayConfig(rc).ok());
    auto c = MakeContact("iran");
    c.session = SecretBytes(Bytes{1, 2, 3});
    ASSERT_TRUE((*store)->PutContact(c).ok());
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
  EXPECT_EQ(rc->delivery_token, "tok");
  EXPECT_EQ(rc->auth_key.size(), 64U);
  auto c = (*store)->GetContact("iran");
  ASSERT_TRUE(c.has_value()) << c.error();
  EXPECT_EQ(c->address.delivery_token, "token-iran");
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
  EXPECT_EQ(store.error().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(store.error().message(), "wrong passphrase");
}

TEST(LocalStoreTest, MissingAndExisting) {
  TempDir dir;
  const auto path = dir.File("store.db");
  EXPECT_EQ(LocalStore::Open(path, Pass("x")).error().code(), StatusCode::kNotFound);
  ASSERT_TRUE(LocalStore::Create(path, Pass("x"), Fast()).has_value());
  EXPECT_EQ(LocalStore::Create(path, Pass("x"), Fast()).error().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(LocalStore::Create(dir.File("other.db"), Pass(""), Fast()).error().code(),
            StatusCode::kInvalidArgument);
}

TEST(LocalStoreTest, TamperedCiphertextIsDetected) {
  TempDir dir;
  const auto path = dir.File("store.db");
  {
    auto store = LocalStore::Create(path, Pass("p"), Fast());
    ASSERT_TRUE(store.has_value());
    ASSERT_TRUE((*store)->PutContact(MakeContact("a")).ok());
    ASSERT_TRUE((*store)->AddMessage({0, "m", "a", Direction::kIn, 1, "secret body"}).ok());
  }
  // Flip a byte in the middle of the message body ciphertext.
  RawExec(path,
          "UPDATE messages SET body = substr(body, 1, 30) || "
          "CASE WHEN substr(body, 31, 1) = X'00' THEN X'01' ELSE X'00' END || substr(body, 32)");
  auto store = LocalStore::Open(path, Pass("p"));
  ASSERT_TRUE(store.has_value());
  auto msgs = (*store)->ListMessages();
  ASSERT_FALSE(msgs.has_value());
  EXPECT_EQ(msgs.error().code(), StatusCode::kCorrupt);
  EXPECT_NE(msgs.error().message().find("fails authentication"), std::string::npos);
}

TEST(LocalStoreTest, CiphertextMovedToAnotherRowFails) {
  TempDir dir;
  const auto path = dir.File("store.db");
  {
    auto store = LocalStore::Create(path, Pass("p"), Fast());
    ASSERT_TRUE(store.has_value());
    ASSERT_TRUE((*store)->PutContact(MakeContact("a")).ok());
    ASSERT_TRUE((*store)->PutContact(MakeContact("b")).ok());
  }
  RawExec(path,
          "UPDATE contacts SET delivery_token = (SELECT delivery_token FROM contacts WHERE name = "
          "'a') WHERE name = 'b'");
  auto store = LocalStore::Open(path, Pass("p"));
  ASSERT_TRUE(store.has_value());
  EXPECT_TRUE((*store)->GetContact("a").has_value());
  EXPECT_EQ((*store)->GetContact("b").error().code(), StatusCode::kCorrupt);
}

TEST(LocalStoreTest, CorruptSchemaVersionIsCorrupt) {
  TempDir dir;
  const auto path = dir.File("store.db");
  ASSERT_TRUE(LocalStore::Create(path, Pass("p"), Fast()).has_value());
  RawExec(path, "UPDATE meta SET v = X'00' WHERE k = 'schema_version'");
  EXPECT_EQ(LocalStore::Open(path, Pass("p")).error().code(), StatusCode::kCorrupt);
}

TEST(LocalStoreTest, TransactionRollsBack) {
  TempDir dir;
  auto store = LocalStore::Create(dir.File("s.db"), Pass("p"), Fast());
  ASSERT_TRUE(store.has_value());
  Status s = (*store)->Transaction([&] {
    EXPECT_TRUE((*store)->PutContact(MakeContact("x")).ok());
    EXPECT_TRUE((*store)->AddMessage({0, "1", "x", Direction::kIn, 1, "b"}).ok());
    return Internal("boom");
  });
  EXPECT_FALSE(s.ok());
  EXPECT_EQ((*store)->GetContact("x").error().code(), StatusCode::kNotFound);
  EXPECT_TRUE((*store)->ListMessages()->empty());
  EXPECT_FALSE(*(*store)->SeenMessage("x", "1"));
}

}  // namespace
}  // namespace backchannel::client
