// LocalStore::ChangePassphrase (`backchannel passwd`): the store key
// changes, every sealed field is re-sealed in one transaction, the old
// passphrase (and the old key an agent holds) no longer opens the store, and
// a failure midway leaves the file exactly as it was.
#include <gtest/gtest.h>

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

using ::backchannel::testing::RawColumnHex;
using ::backchannel::testing::RawDump;
using ::backchannel::testing::RawExec;
using ::backchannel::testing::StatusIs;
using ::backchannel::testing::TestDeliveryToken;
using ::backchannel::testing::TestMailboxId;
using testing::TempDir;

SecretBytes Pass(std::string_view s) { return SecretBytes(AsBytes(s)); }
Bytes B(std::string_view s) { return ToBytes(AsBytes(s)); }

// Something in every encrypted column.
void Populate(LocalStore& s, const session::IdentityKeyPair& id) {
  ASSERT_OK(s.PutIdentity({id.Clone(), 77, B("own credential")}));
  ASSERT_OK(s.PutSignedPreKey(session::GenerateSignedPreKey(id, 1)));
  std::vector<session::OneTimePreKey> otks;
  otks.push_back(session::GenerateOneTimePreKey(1));
  ASSERT_OK(s.PutOneTimePreKeys(otks));
  ASSERT_OK(
      s.PutRelayConfig({"127.0.0.1:9", FromHexFixed<CertificatePin>(std::string(64, 'b')).value(),
                        TestMailboxId(1), SecretBytes(Bytes(64, 1)), TestDeliveryToken(2)}));
  ASSERT_OK(s.PutAuthority({AuthorityPublicKey(AuthorityPublicKey::Array{1}),
                            "Iran",
                            B("revocations"),
                            true,
                            {"Iran"},
                            {"envoy"}}));
  Contact c;
  c.name = "bob";
  c.identity_key = session::GenerateIdentityKeyPair().public_key;
  c.address = {"127.0.0.1:1", FromHexFixed<CertificatePin>(std::string(64, 'a')).value(),
               TestMailboxId(3), TestDeliveryToken(4)};
  c.session = SecretBytes(Bytes{1, 2, 3});
  ASSERT_OK(s.PutContact(c));
  ASSERT_OK(s.AddMessage({0, "m1", "bob", Direction::kIn, 10, "hello"}));
  ASSERT_OK(s.AddOutbox({0, "bob", "m2", B("envelope"), 20, 0, ""}));
  PendingRequest r;
  r.envelope = B("kept back");
  r.sender.mutable_bytes().fill(3);
  ASSERT_OK(s.AddPending(r));
  ASSERT_OK(s.PutAppValue("talks", "k", B("value")));
  ASSERT_OK(s.AppendAppLog("talks", "log", B("entry 1")).status());
  ASSERT_OK(s.AppendAppLog("talks", "log", B("entry 2")).status());
}

void ExpectRowsReadBack(LocalStore& s, const session::IdentityKeyPair& id) {
  auto identity = s.GetIdentity();
  ASSERT_OK(identity);
  EXPECT_TRUE(identity->key_pair.private_key.Equals(id.private_key));
  EXPECT_EQ(identity->credential, B("own credential"));
  auto prekeys = s.LoadPreKeys();
  ASSERT_OK(prekeys);
  EXPECT_EQ(prekeys->one_time_count(), 1U);
  auto relay = s.GetRelayConfig();
  ASSERT_OK(relay);
  EXPECT_EQ(relay->mailbox, TestMailboxId(1));
  EXPECT_TRUE(ConstantTimeEqual(relay->delivery_token, TestDeliveryToken(2)));
  auto contact = s.GetContact("bob");
  ASSERT_OK(contact);
  EXPECT_TRUE(contact->session.Equals(SecretBytes(Bytes{1, 2, 3})));
  EXPECT_EQ(s.ListMessages("bob")->at(0).body, "hello");
  EXPECT_EQ(s.ListOutbox()->at(0).envelope, B("envelope"));
  EXPECT_EQ(s.ListPending()->at(0).envelope, B("kept back"));
  EXPECT_EQ(s.ListAuthorities()->at(0).revocations, B("revocations"));
  EXPECT_EQ(**s.GetAppValue("talks", "k"), B("value"));
  auto log = s.ListAppLog("talks", "log");
  ASSERT_OK(log);
  ASSERT_EQ(log->size(), 2U);
  EXPECT_EQ((*log)[1].entry, B("entry 2"));
}

TEST(LocalStorePasswdTest, NewPassphraseOpensOldOneNoLonger) {
  TempDir dir;
  const auto path = dir.File("store.db");
  const auto id = session::GenerateIdentityKeyPair();
  {
    auto store = LocalStore::Create(path, Pass("old"), {KdfCost::kInteractive});
    ASSERT_OK(store);
    Populate(**store, id);
  }
  auto old_key = LocalStore::DeriveStoreKey(path, Pass("old"));
  ASSERT_OK(old_key);
  const auto rows_before = RawColumnHex(path, "SELECT row FROM messages_v5");
  const auto salt_before = RawColumnHex(path, "SELECT v FROM meta WHERE k = 'kdf_salt'");
  {
    auto store = LocalStore::Open(path, Pass("old"));
    ASSERT_OK(store);
    ASSERT_OK((*store)->ChangePassphrase(Pass("new")));
    // The same handle goes on with the new key.
    ASSERT_OK((*store)->AddMessage({0, "m3", "bob", Direction::kOut, 30, "after passwd"}));
    ExpectRowsReadBack(**store, id);
  }
  EXPECT_NE(RawColumnHex(path, "SELECT row FROM messages_v5")[0], rows_before[0]) << "re-sealed";
  EXPECT_NE(RawColumnHex(path, "SELECT v FROM meta WHERE k = 'kdf_salt'"), salt_before);
  EXPECT_THAT(LocalStore::Open(path, Pass("old")), StatusIs(StatusCode::kPermissionDenied));
  EXPECT_THAT(LocalStore::OpenWithKey(path, *old_key), StatusIs(StatusCode::kPermissionDenied))
      << "an agent's old key no longer opens it";
  auto store = LocalStore::Open(path, Pass("new"));
  ASSERT_OK(store);
  ExpectRowsReadBack(**store, id);
  EXPECT_EQ((*store)->ListMessages("bob")->size(), 2U);
}

// A failure midway (an app log entry that fails authentication, resealed
// after every other table): nothing changes, the old passphrase still opens.
TEST(LocalStorePasswdTest, FailureMidwayChangesNothing) {
  TempDir dir;
  const auto path = dir.File("store.db");
  const auto id = session::GenerateIdentityKeyPair();
  {
    auto store = LocalStore::Create(path, Pass("old"), {KdfCost::kInteractive});
    ASSERT_OK(store);
    Populate(**store, id);
  }
  RawExec(path,
          "UPDATE app_log SET entry = substr(entry, 1, 30) || "
          "CASE WHEN substr(entry, 31, 1) = X'00' THEN X'01' ELSE X'00' END || substr(entry, 32) "
          "WHERE seq = 2");
  const std::string before = RawDump(path);
  {
    auto store = LocalStore::Open(path, Pass("old"));
    ASSERT_OK(store);
    auto st = (*store)->ChangePassphrase(Pass("new"));
    EXPECT_THAT(st, StatusIs(StatusCode::kCorrupt));
    EXPECT_NE(st.message().find("nothing was changed"), std::string::npos) << st;
    // The handle keeps the old key.
    ASSERT_OK((*store)->GetContact("bob"));
  }
  EXPECT_EQ(RawDump(path), before);
  EXPECT_THAT(LocalStore::Open(path, Pass("new")), StatusIs(StatusCode::kPermissionDenied));
  auto store = LocalStore::Open(path, Pass("old"));
  ASSERT_OK(store);
  EXPECT_TRUE((*store)->GetContact("bob")->session.Equals(SecretBytes(Bytes{1, 2, 3})));
}

TEST(LocalStorePasswdTest, EmptyPassphraseIsRefused) {
  TempDir dir;
  const auto path = dir.File("store.db");
  auto store = LocalStore::Create(path, Pass("old"), {KdfCost::kInteractive});
  ASSERT_OK(store);
  const std::string before = RawDump(path);
  EXPECT_THAT((*store)->ChangePassphrase(SecretBytes()), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_EQ(RawDump(path), before);
}

}  // namespace
}  // namespace backchannel::client
