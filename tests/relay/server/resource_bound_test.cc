// The relay's resources under hostile peers, measured where a sanitizer
// would distort them, so these run in the optimised build (label
// `optimised`) and skip themselves under ASan: many connections each
// streaming a line that never ends cost a bounded amount of memory each;
// running out of descriptors does not make accept spin. (Under ASan+UBSan,
// the sanitizers' own memory checks open pipes, which fail once descriptors
// are exhausted, and then report false errors.)
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "relay/server/relay_e2e_fixture.h"

namespace backchannel::relay::testing {
namespace {

// A field of /proc/PID/status in kB ("VmRSS", "VmHWM"); -1 if absent.
long ProcStatusKb(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1));
  }
  return -1;
}

// RSS under ASan measures its quarantine, not the relay: this test runs in
// the optimised build (label `optimised`) and skips itself under ASan.
// User + system CPU time of `pid`, in clock ticks.
long CpuTicks(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::istringstream rest(text.substr(text.rfind(')') + 2));
  std::string field;
  long utime = 0;
  long stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stol(field);
    if (i == 15) stime = std::stol(field);
  }
  return utime + stime;
}

std::size_t OpenDescriptors(pid_t pid) {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e :
       std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd")) {
    ++n;
  }
  return n;
}

TEST_F(RelayE2eTest, UnterminatedLinesCostBoundedMemory) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "RSS is measured in the optimised build";
#endif
  constexpr int kConnections = 200;
  const long baseline_kb = ProcStatusKb(relay_->pid(), "VmRSS");
  ASSERT_GT(baseline_kb, 0);
  // Three kinds of line that never end: a header field, a trailer field,
  // a chunk extension.
  const std::string heads[3] = {
      "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Endless: ",
      "POST /v1/mailboxes HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-T: ",
      "POST /v1/mailboxes HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1;ext="};
  std::vector<std::unique_ptr<TlsTestClient>> clients;
  for (int i = 0; i < kConnections; ++i) {
    auto c = Client();
    ASSERT_TRUE(c);
    clients.push_back(std::move(c));
  }
  // What 200 connections cost before they send anything (TLS state, the
  // connection's coroutine): the part of the bound that is not the read
  // buffer.
  const long connected_kb = ProcStatusKb(relay_->pid(), "VmRSS") - baseline_kb;
  for (int i = 0; i < kConnections; ++i) ASSERT_TRUE(clients[i]->WriteRaw(heads[i % 3]).ok());
  // Round-robin 16 KiB at a time, up to 1 MiB each, until the relay closes.
  const std::string filler(16 * 1024, 'z');
  std::vector<bool> open(kConnections, true);
  for (int round = 0; round < 64; ++round) {
    for (int i = 0; i < kConnections; ++i) {
      if (open[i] && !clients[i]->WriteRaw(filler).ok()) open[i] = false;
    }
  }
  const long peak_kb = ProcStatusKb(relay_->pid(), "VmHWM");
  clients.clear();
  // Per connection, on top of what it costs idle: the read buffer's cap
  // (ServerOptions::header_limit + 16 KiB), the parsed header (at most the
  // header limit), the drain buffer (4 KiB) and OpenSSL's record buffers
  // once data flows (~12 KiB) — 64 KiB — plus 20 %. Unbounded, the 1 MiB
  // each connection streams would be 200 MiB.
  constexpr long kReadCapKb = 32 + 16 + 4 + 12;
  ::testing::Test::RecordProperty("relay_connected_growth_kb", std::to_string(connected_kb));
  ::testing::Test::RecordProperty("relay_peak_growth_kb", std::to_string(peak_kb - baseline_kb));
  EXPECT_LT(peak_kb - baseline_kb,
            static_cast<long>((connected_kb + kConnections * kReadCapKb) * 1.2))
      << "baseline " << baseline_kb << " kB, connected +" << connected_kb << " kB, peak " << peak_kb
      << " kB";
  auto c = Client();
  ASSERT_TRUE(c);
  EXPECT_EQ(Call(*c, "GET", "/healthz").status, 200);
}

TEST_F(RelayE2eTest, DescriptorExhaustionBacksOffInsteadOfSpinning) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "the sanitizers' checks need descriptors: run in the optimised build";
#endif
  const pid_t pid = relay_->pid();
  rlimit old{};
  ASSERT_EQ(::prlimit(pid, RLIMIT_NOFILE, nullptr, &old), 0);
  rlimit tight = old;
  tight.rlim_cur = OpenDescriptors(pid) + 1;
  ASSERT_EQ(::prlimit(pid, RLIMIT_NOFILE, &tight, nullptr), 0);
  std::vector<int> fds;
  for (int i = 0; i < 20; ++i) {
    const int fd = TcpConnect(relay_->port());  // the kernel's backlog takes them
    if (fd >= 0) fds.push_back(fd);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const long before = CpuTicks(pid);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  const long spent = CpuTicks(pid) - before;
  ASSERT_EQ(::prlimit(pid, RLIMIT_NOFILE, &old, nullptr), 0);
  for (int fd : fds) ::close(fd);
  // A busy accept loop burns ~2 s of CPU in 2 s; backing off, a few ticks.
  EXPECT_LT(spent, ::sysconf(_SC_CLK_TCK) / 2) << spent << " ticks in 2 s";
  EXPECT_EQ(HealthWhenServed(), 200);
}

}  // namespace
}  // namespace backchannel::relay::testing
