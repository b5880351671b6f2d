// The agent with real unix sockets and real store files: it serves the key
// that opens the store, wipes it and leaves on stop or after the idle
// timeout (an injected clock), and hostile callers of our own uid (garbage,
// oversized and silent requests, a flood of connections) leave it serving.
#include "backchannel/client/agent.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <future>
#include <thread>
#include <vector>

#include "backchannel/client/agent_protocol.h"
#include "backchannel/client/local_store.h"
#include "client/temp_dir.h"
#include "testing/status_matchers.h"

namespace backchannel::client {
namespace {

using ::backchannel::testing::StatusIs;
using testing::TempDir;
using namespace std::chrono_literals;

SecretBytes Pass(std::string_view s) { return SecretBytes(AsBytes(s)); }

// A raw connection to the agent's socket, for the hostile cases.
int RawConnect(const std::string& home) {
  const std::string path = AgentSocketPath(home);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const timeval timeout{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Everything the agent sends until it closes (or 5 s pass).
Bytes ReadToEnd(int fd) {
  Bytes out;
  std::array<std::uint8_t, 256> buf{};
  while (true) {
    const ssize_t n = ::recv(fd, buf.data(), buf.size(), 0);
    if (n <= 0) break;
    out.insert(out.end(), buf.begin(), buf.begin() + n);
  }
  return out;
}

class AgentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    home_ = dir_.File("home");
    std::filesystem::create_directories(home_);
    std::filesystem::permissions(home_, std::filesystem::perms::owner_all);
    auto store = LocalStore::Create(StorePath(home_), Pass("correct horse"),
                                    StoreOptions{KdfCost::kInteractive});
    ASSERT_OK(store);
    ASSERT_OK((*store)->PutSetting("marker", "from the store"));
    auto key = LocalStore::DeriveStoreKey(StorePath(home_), Pass("correct horse"));
    ASSERT_OK(key);
    key_ = std::move(*key);
  }

  void TearDown() override {
    if (server_) server_->Shutdown();
    if (serving_.valid()) serving_.wait();
  }

  // Binds and serves on a thread; Serve's result arrives in `serving_`.
  void StartAgent(AgentOptions options = {}) {
    auto server = AgentServer::Bind(home_, key_.Clone(), std::move(options));
    ASSERT_OK(server);
    server_ = std::move(*server);
    serving_ = std::async(std::launch::async, [this] { return server_->Serve(); });
  }

  // Waits up to 5 s for Serve to return.
  AgentExit Ended() {
    EXPECT_EQ(serving_.wait_for(5s), std::future_status::ready);
    return serving_.get();
  }

  void ExpectServesTheKey() {
    auto key = AskAgentForKey(home_);
    ASSERT_OK(key);
    auto store = LocalStore::OpenWithKey(StorePath(home_), *key);
    ASSERT_OK(store);
    auto marker = (*store)->GetSetting("marker");
    ASSERT_OK(marker);
    EXPECT_EQ(marker->value_or(""), "from the store");
  }

  TempDir dir_;
  std::string home_;
  StoreKey key_;
  std::unique_ptr<AgentServer> server_;
  std::future<AgentExit> serving_;
};

TEST_F(AgentTest, ServesTheKeyThatOpensTheStoreAndStops) {
  StartAgent();
  struct stat st {};
  ASSERT_EQ(::stat(AgentSocketPath(home_).c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ExpectServesTheKey();
  auto status = QueryAgent(home_);
  ASSERT_OK(status);
  EXPECT_EQ(status->pid, static_cast<std::uint32_t>(::getpid()));

  EXPECT_OK(StopAgent(home_));
  EXPECT_EQ(Ended(), AgentExit::kStopped);
  EXPECT_FALSE(std::filesystem::exists(AgentSocketPath(home_)));
  EXPECT_THAT(AskAgentForKey(home_).status(), StatusIs(StatusCode::kUnavailable));
}

TEST_F(AgentTest, WrongPassphraseOrKeyOpensNothing) {
  EXPECT_THAT(LocalStore::DeriveStoreKey(StorePath(home_), Pass("wrong")).status(),
              StatusIs(StatusCode::kPermissionDenied));
  StoreKey other;
  other.data()[0] = 1;
  EXPECT_THAT(LocalStore::OpenWithKey(StorePath(home_), other).status(),
              StatusIs(StatusCode::kPermissionDenied));
  EXPECT_THAT(LocalStore::OpenWithKey(dir_.File("nothing.db"), key_).status(),
              StatusIs(StatusCode::kNotFound));
  // The passphrase still opens the store as before.
  EXPECT_OK(LocalStore::Open(StorePath(home_), Pass("correct horse")));
}

TEST_F(AgentTest, IdleTimeoutWipesTheKeyAndExits) {
  auto now = std::make_shared<std::atomic<std::int64_t>>(1'000'000);
  AgentOptions options;
  options.idle = 10s;
  options.clock = [now] { return now->load(); };
  StartAgent(std::move(options));

  auto status = QueryAgent(home_);
  ASSERT_OK(status);
  EXPECT_EQ(status->idle_left_ms, 10'000u);
  *now += 6'000;
  ExpectServesTheKey();  // a key request starts the idle period again
  *now += 9'000;
  status = QueryAgent(home_);
  ASSERT_OK(status);
  EXPECT_EQ(status->idle_left_ms, 1'000u);  // status does not keep it alive

  *now += 1'000;
  EXPECT_EQ(Ended(), AgentExit::kIdle);
  EXPECT_FALSE(std::filesystem::exists(AgentSocketPath(home_)));
  EXPECT_THAT(AskAgentForKey(home_).status(), StatusIs(StatusCode::kUnavailable));
}

TEST_F(AgentTest, GarbageAndOversizedRequestsAreRefused) {
  StartAgent();
  {
    const int fd = RawConnect(home_);
    ASSERT_GE(fd, 0);
    const std::string garbage = "GET / HT";
    ASSERT_EQ(::send(fd, garbage.data(), garbage.size(), MSG_NOSIGNAL), 8);
    const Bytes reply = ReadToEnd(fd);
    ::close(fd);
    EXPECT_THAT(DecodeAgentReply(reply, AgentOp::kKey).status(),
                StatusIs(StatusCode::kInvalidArgument));
  }
  {
    // 1 MiB: the agent reads its 8 bytes, answers and closes; the rest of
    // the send fails or is dropped.
    const int fd = RawConnect(home_);
    ASSERT_GE(fd, 0);
    const Bytes big(1 << 20, 0x41);
    (void)::send(fd, big.data(), big.size(), MSG_NOSIGNAL);
    (void)ReadToEnd(fd);
    ::close(fd);
  }
  {
    // A valid request followed by more bytes is answered once.
    const int fd = RawConnect(home_);
    ASSERT_GE(fd, 0);
    Bytes twice = EncodeAgentRequest(AgentOp::kStatus);
    const Bytes again = EncodeAgentRequest(AgentOp::kStop);
    twice.insert(twice.end(), again.begin(), again.end());
    ASSERT_EQ(::send(fd, twice.data(), twice.size(), MSG_NOSIGNAL), 16);
    EXPECT_OK(DecodeAgentReply(ReadToEnd(fd), AgentOp::kStatus));
    ::close(fd);
  }
  ExpectServesTheKey();
}

TEST_F(AgentTest, SilentAndHalfRequestsTimeOut) {
  AgentOptions options;
  options.read_timeout = 300ms;
  StartAgent(std::move(options));
  const int silent = RawConnect(home_);
  const int half = RawConnect(home_);
  ASSERT_GE(silent, 0);
  ASSERT_GE(half, 0);
  ASSERT_EQ(::send(half, "bcaq", 4, MSG_NOSIGNAL), 4);
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(ReadToEnd(silent).empty());  // closed by the agent, unanswered
  EXPECT_TRUE(ReadToEnd(half).empty());
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 3s);
  ::close(silent);
  ::close(half);
  ExpectServesTheKey();
}

TEST_F(AgentTest, AFloodOfConnectionsLeavesItServing) {
  AgentOptions options;
  options.read_timeout = 300ms;
  options.max_connections = 4;
  StartAgent(std::move(options));
  std::vector<int> flood;
  for (int i = 0; i < 64; ++i) {
    const int fd = RawConnect(home_);
    if (fd >= 0) flood.push_back(fd);
  }
  EXPECT_GE(flood.size(), 4u);
  // Once the silent ones time out (or are closed on arrival over the cap),
  // the agent answers again.
  bool served = false;
  for (int attempt = 0; attempt < 50 && !served; ++attempt) {
    served = AskAgentForKey(home_).ok();
    if (!served) std::this_thread::sleep_for(100ms);
  }
  EXPECT_TRUE(served);
  for (int fd : flood) ::close(fd);
  ExpectServesTheKey();
}

TEST_F(AgentTest, ASecondAgentIsRefusedAStaleSocketReplaced) {
  StartAgent();
  EXPECT_THAT(AgentServer::Bind(home_, key_.Clone()).status(),
              StatusIs(StatusCode::kAlreadyExists));
  ExpectServesTheKey();  // the refused one took nothing from the first
  EXPECT_OK(StopAgent(home_));
  EXPECT_EQ(Ended(), AgentExit::kStopped);
  server_.reset();

  // A socket file nobody listens on, as a killed agent leaves it.
  {
    const std::string path = AgentSocketPath(home_);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    ASSERT_EQ(::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)), 0);
    ::close(fd);
  }
  ASSERT_TRUE(std::filesystem::exists(AgentSocketPath(home_)));
  EXPECT_THAT(AskAgentForKey(home_).status(), StatusIs(StatusCode::kUnavailable));
  StartAgent();
  ExpectServesTheKey();
}

TEST_F(AgentTest, ATooLongHomeIsAClearError) {
  const std::string deep = dir_.File(std::string(120, 'h'));
  EXPECT_THAT(AgentServer::Bind(deep, key_.Clone()).status(),
              StatusIs(StatusCode::kInvalidArgument));
}

TEST(AgentProtocolTest, RequestsRoundTripAndMalformedOnesAreRefused) {
  for (AgentOp op : {AgentOp::kKey, AgentOp::kStatus, AgentOp::kStop}) {
    auto decoded = DecodeAgentRequest(EncodeAgentRequest(op));
    ASSERT_OK(decoded);
    EXPECT_EQ(*decoded, op);
  }
  const Bytes good = EncodeAgentRequest(AgentOp::kKey);
  EXPECT_FALSE(DecodeAgentRequest(ByteView(good).first(7)).ok());
  Bytes longer = good;
  longer.push_back(0);
  EXPECT_FALSE(DecodeAgentRequest(longer).ok());
  for (std::size_t i = 0; i < good.size(); ++i) {
    Bytes bad = good;
    bad[i] ^= 0x40;
    EXPECT_FALSE(DecodeAgentRequest(bad).ok()) << "byte " << i;
  }
}

TEST(AgentProtocolTest, RepliesRoundTripAndMalformedOnesAreRefused) {
  AgentReply key_reply;
  key_reply.op = AgentOp::kKey;
  key_reply.key.data()[0] = 0xab;
  key_reply.key.data()[31] = 0xcd;
  const SecretBytes encoded = EncodeAgentReply(key_reply);
  auto decoded = DecodeAgentReply(encoded.view(), AgentOp::kKey);
  ASSERT_OK(decoded);
  EXPECT_TRUE(decoded->key.Equals(key_reply.key));
  EXPECT_FALSE(DecodeAgentReply(encoded.view(), AgentOp::kStatus).ok());
  EXPECT_FALSE(DecodeAgentReply(encoded.view().first(encoded.size() - 1), AgentOp::kKey).ok());

  AgentReply status_reply;
  status_reply.op = AgentOp::kStatus;
  status_reply.status = {4242, 0x0102030405060708ULL};
  auto status = DecodeAgentReply(EncodeAgentReply(status_reply).view(), AgentOp::kStatus);
  ASSERT_OK(status);
  EXPECT_EQ(status->status.pid, 4242u);
  EXPECT_EQ(status->status.idle_left_ms, 0x0102030405060708ULL);

  EXPECT_THAT(DecodeAgentReply(EncodeAgentBadRequest().view(), AgentOp::kKey).status(),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_FALSE(DecodeAgentReply({}, AgentOp::kKey).ok());
}

}  // namespace
}  // namespace backchannel::client
