// Durable means durable (docs/relay.md, "Which writes are durable"): the real
// backchanneld runs with an LD_PRELOAD library that counts the fsync and
// fdatasync calls completed on its database files; one client posts, acks
// and reads strictly one request at a time, and the counter is read before
// each request and after its reply. Every 201/204 must follow a completed
// sync of the store (SIGKILL cannot show a missing fsync; this can), and a
// request that writes nothing must cause none (so the counter is not just
// always moving).
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>

#include "relay/server/relay_e2e_fixture.h"

namespace backchannel::relay::testing {
namespace {

class DurabilityTest : public RelayE2eTest {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("bc-relay-durability-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    counter_path_ = (dir_ / "sync-counter").string();
    const int fd = ::open(counter_path_.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::ftruncate(fd, sizeof(std::uint64_t)), 0);
    void* p = ::mmap(nullptr, sizeof(std::uint64_t), PROT_READ, MAP_SHARED, fd, 0);
    ::close(fd);
    ASSERT_NE(p, MAP_FAILED);
    counter_ = static_cast<const std::uint64_t*>(p);

    // Only the relay child gets the library (it inherits the environment);
    // an ASan build of the relay accepts a preloaded library before its
    // runtime only with verify_asan_link_order=0.
    const char* asan = std::getenv("ASAN_OPTIONS");
    saved_asan_ = asan != nullptr ? asan : "";
    had_asan_ = asan != nullptr;
    ::setenv("ASAN_OPTIONS",
             (saved_asan_ + (saved_asan_.empty() ? "" : ":") + "verify_asan_link_order=0").c_str(),
             1);
    ::setenv("LD_PRELOAD", SYNC_COUNTER_PRELOAD, 1);
    ::setenv("BC_SYNC_COUNTER_FILE", counter_path_.c_str(), 1);
    ::setenv("BC_SYNC_COUNTER_MATCH", (dir_ / "relay.db").c_str(), 1);
    StartRelay();
    ::unsetenv("LD_PRELOAD");
    ::unsetenv("BC_SYNC_COUNTER_FILE");
    ::unsetenv("BC_SYNC_COUNTER_MATCH");
    if (had_asan_) {
      ::setenv("ASAN_OPTIONS", saved_asan_.c_str(), 1);
    } else {
      ::unsetenv("ASAN_OPTIONS");
    }
  }
  void TearDown() override {
    if (counter_ != nullptr) {
      ::munmap(const_cast<std::uint64_t*>(counter_), sizeof(std::uint64_t));
    }
    RelayE2eTest::TearDown();
  }
  std::uint64_t Syncs() const { return __atomic_load_n(counter_, __ATOMIC_SEQ_CST); }

  std::string counter_path_;
  const std::uint64_t* counter_ = nullptr;
  std::string saved_asan_;
  bool had_asan_ = false;
};

TEST_F(DurabilityTest, EveryAcknowledgedWriteFollowsAStoreSync) {
  auto c = Client();
  ASSERT_NE(c, nullptr);
  std::uint64_t before = Syncs();
  CreateMailbox(*c);
  EXPECT_GT(Syncs(), before) << "mailbox creation answered 201 before any sync of the store";

  std::vector<std::string> ids;
  for (int i = 0; i < 20; ++i) {
    before = Syncs();
    const std::string id = Post(*c, "envelope-" + std::to_string(i));
    ASSERT_FALSE(id.empty());
    EXPECT_GT(Syncs(), before) << "post " << i << " answered 201 before its commit was synced";
    ids.push_back(id);
  }

  // A request that reads the store and writes nothing syncs nothing (a
  // signed GET is not one: it records its nonce).
  before = Syncs();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(Call(*c, "GET", "/readyz").status, 200);
  EXPECT_EQ(Syncs(), before) << "a request that writes nothing synced the store";
  Json listed = List(*c);
  ASSERT_TRUE(listed.is_object());
  EXPECT_EQ(listed["messages"].size(), ids.size());

  // Prekey uploads (and their nonces) are durable before the reply.
  before = Syncs();
  const Json one_time = Json::array({Json{{"id", 1}, {"key", OneTimeKeyB64u(1)}}});
  auto put = Signed(*c, "PUT", Path("/prekeys"),
                    Json{{"bundle", B64u(AsBytes("base"))}, {"one_time", one_time}}.dump());
  EXPECT_EQ(put.status, 204) << put.body;
  EXPECT_GT(Syncs(), before) << "prekey upload answered before its commit was synced";

  // Acks share the group commit on SQLite: durable too (docs/relay.md).
  for (const std::string& id : ids) {
    before = Syncs();
    auto del = Signed(*c, "DELETE", Path("/messages/" + id));
    EXPECT_EQ(del.status, 204) << del.body;
    EXPECT_GT(Syncs(), before) << "ack answered before its commit was synced";
  }
}

}  // namespace
}  // namespace backchannel::relay::testing
