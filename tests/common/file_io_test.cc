#include "backchannel/common/file_io.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "testing/status_matchers.h"

namespace backchannel {
namespace {

namespace fs = std::filesystem;
using ::backchannel::testing::StatusIs;

class FileIoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("bc-file-io-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  void Put(const std::string& name, const std::string& text, fs::perms perms) const {
    std::ofstream(Path(name), std::ios::binary) << text;
    fs::permissions(Path(name), perms);
  }
  fs::path dir_;
};

TEST_F(FileIoTest, ReadsWhatWasWritten) {
  ASSERT_OK(WriteFileAtomic(Path("a"), std::string("hello\0world", 11), 0644));
  auto text = ReadFile(Path("a"));
  ASSERT_OK(text);
  EXPECT_EQ(*text, std::string("hello\0world", 11));
  EXPECT_FALSE(fs::exists(Path("a.tmp")));
}

TEST_F(FileIoTest, MissingFileIsNotFoundAndNamesThePath) {
  auto text = ReadFile(Path("nope"));
  EXPECT_THAT(text.status(), StatusIs(StatusCode::kNotFound));
  EXPECT_NE(text.status().message().find("nope"), std::string::npos);
}

TEST_F(FileIoTest, DirectoryAndOversizeAreRefused) {
  EXPECT_THAT(ReadFile(dir_.string()).status(), StatusIs(StatusCode::kInvalidArgument));
  Put("big", std::string(100, 'x'), fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_THAT(ReadFile(Path("big"), 99).status(), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_OK(ReadFile(Path("big"), 100));
}

TEST_F(FileIoTest, PrivateFileMustBeOwnerOnly) {
  Put("key", "secret", fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  EXPECT_THAT(ReadPrivateFile(Path("key")).status(), StatusIs(StatusCode::kPermissionDenied));
  fs::permissions(Path("key"), fs::perms::owner_read | fs::perms::owner_write);
  auto text = ReadPrivateFile(Path("key"));
  ASSERT_OK(text);
  EXPECT_EQ(*text, "secret");
}

TEST_F(FileIoTest, WriteSetsTheModeWhateverTheUmask) {
  const mode_t old = ::umask(0);
  ASSERT_OK(WriteFileAtomic(Path("k"), "x", 0600));
  ::umask(old);
  struct stat st {};
  ASSERT_EQ(::stat(Path("k").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(FileIoTest, OverwriteReplacesExclusiveRefusesAndKeepsTheOld) {
  ASSERT_OK(WriteFileAtomic(Path("f"), "one", 0644));
  ASSERT_OK(WriteFileAtomic(Path("f"), "two", 0644));
  EXPECT_EQ(*ReadFile(Path("f")), "two");
  EXPECT_THAT(WriteFileAtomic(Path("f"), "three", 0644, /*exclusive=*/true),
              StatusIs(StatusCode::kAlreadyExists));
  EXPECT_EQ(*ReadFile(Path("f")), "two");
  ASSERT_OK(WriteFileAtomic(Path("g"), "new", 0600, /*exclusive=*/true));
  EXPECT_EQ(*ReadFile(Path("g")), "new");
}

TEST_F(FileIoTest, LeftoverTemporaryFromACrashDoesNotBlockAWrite) {
  Put("f.tmp", "torn", fs::perms::owner_read | fs::perms::owner_write);
  ASSERT_OK(WriteFileAtomic(Path("f"), "whole", 0644));
  EXPECT_EQ(*ReadFile(Path("f")), "whole");
}

TEST_F(FileIoTest, WriteIntoAMissingDirectoryFailsCleanly) {
  EXPECT_THAT(WriteFileAtomic(Path("no/such/f"), "x", 0644), StatusIs(StatusCode::kNotFound));
}

}  // namespace
}  // namespace backchannel
