// `backchannel passwd` run as the real program on a real store file: the
// new passphrase opens the home, the old one no longer does, and a refused
// change (wrong current passphrase, nothing to read the new one from, an
// empty new one) leaves the file as it was.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "backchannel/client/home.h"
#include "backchannel/client/local_store.h"
#include "cli/run_cli.h"
#include "client/temp_dir.h"
#include "testing/status_matchers.h"

namespace backchannel::testing {
namespace {

using ::testing::HasSubstr;

SecretBytes Pass(std::string_view s) { return SecretBytes(AsBytes(s)); }

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class PasswdCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    home_ = dir_.File("home");
    std::filesystem::create_directories(home_);
    store_ = client::StorePath(home_);
    auto store =
        client::LocalStore::Create(store_, Pass("old secret"), {client::KdfCost::kInteractive});
    ASSERT_OK(store);
    ASSERT_OK((*store)->AddMessage({0, "m1", "bob", client::Direction::kIn, 10, "kept"}));
    old_file_ = dir_.File("old.txt");
    new_file_ = dir_.File("new.txt");
    std::ofstream(old_file_) << "old secret\n";
    std::ofstream(new_file_) << "new secret\n";
  }

  // The store file after a checkpoint: what a refused command must not change.
  std::string Snapshot() {
    { auto s = client::LocalStore::Open(store_, Pass("old secret")); }
    return ReadFile(store_);
  }

  client::testing::TempDir dir_;
  std::string home_, store_, old_file_, new_file_;
};

TEST_F(PasswdCliTest, ChangesThePassphrase) {
  auto r = RunCli({"passwd", "--home", home_, "--passphrase-file", old_file_,
                   "--new-passphrase-file", new_file_});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("Passphrase changed"));
  EXPECT_THAT(client::LocalStore::Open(store_, Pass("old secret")),
              StatusIs(StatusCode::kPermissionDenied));
  auto store = client::LocalStore::Open(store_, Pass("new secret"));
  ASSERT_OK(store);
  EXPECT_EQ((*store)->ListMessages("bob")->at(0).body, "kept");
}

TEST_F(PasswdCliTest, ReadsBothFromTheEnvironmentWithJson) {
  auto r = RunCli({"passwd", "--home", home_, "--json"},
                  {"BACKCHANNEL_PASSPHRASE='old secret' BACKCHANNEL_NEW_PASSPHRASE='new secret'"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const auto doc = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_TRUE(doc.is_object()) << r.out;
  EXPECT_EQ(doc.value("ok", false), true);
  EXPECT_EQ(doc.value("changed", false), true);
  ASSERT_OK(client::LocalStore::Open(store_, Pass("new secret")));
  // Again with the old passphrase: refused, exit 1 or 2, the file unchanged.
  const std::string before = ReadFile(store_);
  auto again = RunCli({"passwd", "--home", home_},
                      {"BACKCHANNEL_PASSPHRASE='old secret' BACKCHANNEL_NEW_PASSPHRASE=x"});
  EXPECT_NE(again.code, 0);
  EXPECT_THAT(again.err, HasSubstr("wrong passphrase"));
  EXPECT_EQ(ReadFile(store_), before);
}

TEST_F(PasswdCliTest, RefusalsChangeNothing) {
  const std::string before = Snapshot();
  // The current passphrase from the environment and no new one: no prompt
  // that could mix the two up, a clear error.
  auto none = RunCli({"passwd", "--home", home_}, {"BACKCHANNEL_PASSPHRASE='old secret'"});
  EXPECT_EQ(none.code, 2) << none.out << none.err;
  EXPECT_THAT(none.err, HasSubstr("BACKCHANNEL_NEW_PASSPHRASE"));
  auto wrong = RunCli({"passwd", "--home", home_, "--new-passphrase-file", new_file_},
                      {"BACKCHANNEL_PASSPHRASE=nope"});
  EXPECT_NE(wrong.code, 0);
  EXPECT_THAT(wrong.err, HasSubstr("wrong passphrase"));
  auto empty = RunCli({"passwd", "--home", home_, "--passphrase-file", old_file_},
                      {"BACKCHANNEL_NEW_PASSPHRASE="});
  EXPECT_EQ(empty.code, 2);
  EXPECT_THAT(empty.err, HasSubstr("empty"));
  EXPECT_EQ(ReadFile(store_), before);
  ASSERT_OK(client::LocalStore::Open(store_, Pass("old secret")));
}

}  // namespace
}  // namespace backchannel::testing
