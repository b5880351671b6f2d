// Runs the real `backchannel authority ...` commands: init, issue, revoke,
// show, and the refusals (overwrite, wrong passphrase, bad input).
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "backchannel/common/encoding.h"
#include "backchannel/identity/credential.h"
#include "backchannel/identity/trust_store.h"
#include "backchannel/session/keys.h"
#include "cli/run_cli.h"
#include "testing/status_matchers.h"

namespace backchannel {
namespace {

using ::backchannel::testing::StatusIs;

namespace fs = std::filesystem;
using Json = nlohmann::json;

using RunResult = testing::CliResult;

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class AuthorityCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string templ = (fs::temp_directory_path() / "bc_authority_cli_XXXXXX").string();
    ASSERT_NE(mkdtemp(templ.data()), nullptr);
    tmp_ = templ;
    dir_ = (tmp_ / "us").string();
    pass_ = (tmp_ / "pass").string();
    std::ofstream(pass_) << "s3cret passphrase\n";
  }
  void TearDown() override { fs::remove_all(tmp_); }

  static RunResult Exec(const std::vector<std::string>& args, const std::string& env = "") {
    return testing::RunCli(args, {.env = env});
  }

  RunResult Init() {
    return Exec({"authority", "init", "--dir", dir_, "--side", "United States", "--passphrase-file",
                 pass_, "--kdf", "interactive", "--json"});
  }

  std::string IdentityHex() {
    const auto key = session::SerializePublicKey(identity_.public_key);
    return ToHex(key);
  }

  fs::path tmp_;
  std::string dir_;
  std::string pass_;
  crypto::X25519KeyPair identity_ = crypto::GenerateX25519KeyPair();
};

TEST_F(AuthorityCliTest, InitIssueRevokeShow) {
  RunResult r = Init();
  ASSERT_EQ(r.code, 0) << r.err;
  const Json init = Json::parse(r.out);
  EXPECT_EQ(init["side"], "United States");
  struct stat st {};
  ASSERT_EQ(stat((fs::path(dir_) / "authority.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  r = Exec({"authority", "issue", "--dir", dir_, "--identity-key", IdentityHex(), "--role", "envoy",
            "--name", "Ambassador Khalilzad", "--days", "30", "--json", "--passphrase-file",
            pass_});
  ASSERT_EQ(r.code, 0) << r.err;
  const Json issued = Json::parse(r.out);
  EXPECT_EQ(issued["serial"], 1);
  auto credential = identity::CredentialFromText(issued["credential"].get<std::string>());
  ASSERT_OK(credential);
  EXPECT_EQ(credential->display_name, "Ambassador Khalilzad");
  EXPECT_EQ(credential->side, "United States");
  EXPECT_EQ(ToBase64(credential->authority_key, Base64Variant::kUrlSafeNoPadding),
            init["public_key"]);

  identity::TrustStore trust;
  ASSERT_OK(trust.AddAuthority(credential->authority_key, "US"));
  const std::int64_t now = issued["not_before"].get<std::int64_t>() + 10;
  EXPECT_OK(identity::VerifyCredential(*credential, trust, now, identity_.public_key));

  // Second credential, to a file, with the passphrase from the environment.
  const std::string out = (tmp_ / "cred.txt").string();
  r = Exec({"authority", "issue", "--dir", dir_, "--identity-key", IdentityHex(), "--role",
            "principal", "--name", "NSC", "--days", "1", "--out", out},
           "BACKCHANNEL_PASSPHRASE='s3cret passphrase'");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("Credential #2"), std::string::npos) << r.out;
  std::string text = ReadAll(out);
  text.pop_back();
  EXPECT_EQ(identity::CredentialFromText(text)->serial, 2u);

  r = Exec({"authority", "revoke", "--dir", dir_, "--serial", "1", "--json", "--passphrase-file",
            pass_});
  ASSERT_EQ(r.code, 0) << r.err;
  const Json revoked = Json::parse(r.out);
  EXPECT_EQ(revoked["sequence"], 1);
  auto list = identity::RevocationListFromText(revoked["revocation_list"].get<std::string>());
  ASSERT_OK(list);
  ASSERT_OK(trust.UpdateRevocations(*list));
  const Status s = identity::VerifyCredential(*credential, trust, now, identity_.public_key);
  EXPECT_THAT(s, StatusIs(StatusCode::kPermissionDenied)) << s;

  r = Exec({"authority", "revoke", "--dir", dir_, "--serial", "2", "--passphrase-file", pass_});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(identity::RevocationListFromText(r.out.substr(0, r.out.size() - 1))->sequence, 2u);

  r = Exec({"authority", "show", "--dir", dir_, "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const Json show = Json::parse(r.out);
  EXPECT_EQ(show["side"], "United States");
  EXPECT_EQ(show["issued"].size(), 2u);
  EXPECT_EQ(show["revoked"], Json::array({1, 2}));
  EXPECT_EQ(show["revocation_sequence"], 2);

  r = Exec({"authority", "show", "--dir", dir_});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("Authority for United States"), std::string::npos);
  EXPECT_NE(r.out.find("[revoked]"), std::string::npos);
}

TEST_F(AuthorityCliTest, RefusesToOverwrite) {
  ASSERT_EQ(Init().code, 0);
  RunResult r = Init();
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("refusing to overwrite"), std::string::npos) << r.err;
}

TEST_F(AuthorityCliTest, WrongPassphrase) {
  ASSERT_EQ(Init().code, 0);
  RunResult r = Exec({"authority", "issue", "--dir", dir_, "--identity-key", IdentityHex(),
                      "--role", "envoy", "--name", "X", "--days", "3"},
                     "BACKCHANNEL_PASSPHRASE=wrong");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("wrong passphrase"), std::string::npos) << r.err;
}

TEST_F(AuthorityCliTest, BadInput) {
  ASSERT_EQ(Init().code, 0);
  const std::vector<std::string> base = {"authority",         "issue", "--dir", dir_,
                                         "--passphrase-file", pass_};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    return Exec(args);
  };
  EXPECT_EQ(with({"--identity-key", "abcd", "--role", "envoy", "--name", "X", "--days", "3"}).code,
            2);
  EXPECT_EQ(
      with({"--identity-key", IdentityHex(), "--role", "king", "--name", "X", "--days", "3"}).code,
      2);
  EXPECT_EQ(
      with({"--identity-key", IdentityHex(), "--role", "envoy", "--name", "X", "--days", "0"}).code,
      2);
  EXPECT_EQ(
      Exec({"authority", "revoke", "--dir", dir_, "--serial", "99", "--passphrase-file", pass_})
          .code,
      2);
  EXPECT_EQ(Exec({"authority", "show", "--dir", (tmp_ / "nothing").string()}).code, 2);
  RunResult r = Exec({"authority", "init", "--dir", (tmp_ / "other").string(), "--side", "X"},
                     "env -u BACKCHANNEL_PASSPHRASE");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("no passphrase"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace backchannel
