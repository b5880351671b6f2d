// BM_RedisReference/clients:N — the reference row issue 13 names beside the
// relay's durable figures: Redis with `appendonly yes` and `appendfsync
// always` (every acknowledged write is on disk, like a relay's 201) on the
// same disk, appending 1 KiB values (`redis-benchmark -t lpush -d 1024`, no
// TLS) with N clients. redis-server is not a dependency of the build or of
// CI: when it or redis-benchmark is not installed (Debian: apt-get install
// redis-server) the row is skipped with that reason.
//
// Each run starts its own redis-server on a free loopback port in a fresh
// temporary directory and stops it afterwards; the machine's own Redis, if
// one runs, is not touched.
#include <benchmark/benchmark.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>

namespace backchannel::relay {
namespace {

bool RedisToolsInstalled() {
  return std::system(
             "command -v redis-server >/dev/null 2>&1 && "
             "command -v redis-benchmark >/dev/null 2>&1 && "
             "command -v redis-cli >/dev/null 2>&1") == 0;
}

// A loopback port nothing listens on now (the kernel's pick).
std::optional<int> FreeLoopbackPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return std::nullopt;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  std::optional<int> port;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

// Everything `command` printed on stdout.
std::string CommandOutput(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) out.append(buffer.data(), n);
  ::pclose(pipe);
  return out;
}

// redis-benchmark -q prints "LPUSH: 4512.34 requests per second, p50=..."
// (after progress lines ending in '\r'): the last such figure.
std::optional<double> RequestsPerSecond(const std::string& output) {
  const std::string marker = " requests per second";
  const auto at = output.rfind(marker);
  if (at == std::string::npos) return std::nullopt;
  auto start = output.rfind(' ', at - 1);
  start = start == std::string::npos ? 0 : start + 1;
  try {
    return std::stod(output.substr(start, at - start));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

class ScratchRedis {
 public:
  ScratchRedis(int port, std::filesystem::path dir) : port_(port), dir_(std::move(dir)) {}
  ~ScratchRedis() {
    const std::string stop =
        "redis-cli -p " + std::to_string(port_) + " shutdown nosave >/dev/null 2>&1";
    if (std::system(stop.c_str()) != 0) {
      std::fprintf(stderr, "bench_relay: could not stop the scratch redis-server on port %d\n",
                   port_);
    }
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  ScratchRedis(const ScratchRedis&) = delete;
  ScratchRedis& operator=(const ScratchRedis&) = delete;

  // Starts the server (daemonised) and waits until it answers PING.
  bool Start() const {
    const std::string port = std::to_string(port_);
    const std::string start = "redis-server --port " + port + " --bind 127.0.0.1 --dir '" +
                              dir_.string() +
                              "' --appendonly yes --appendfsync always --save '' "
                              "--daemonize yes --logfile '" +
                              (dir_ / "redis.log").string() + "'";
    if (std::system(start.c_str()) != 0) return false;
    for (int i = 0; i < 100; ++i) {
      if (CommandOutput("redis-cli -p " + port + " ping 2>/dev/null").starts_with("PONG")) {
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

 private:
  int port_;
  std::filesystem::path dir_;
};

void BM_RedisReference(benchmark::State& state) {
  if (!RedisToolsInstalled()) {
    state.SkipWithError(
        "redis-server or redis-benchmark not installed (apt-get install redis-server)");
    return;
  }
  const auto clients = static_cast<int>(state.range(0));
  const auto port = FreeLoopbackPort();
  if (!port) {
    state.SkipWithError("no free loopback port");
    return;
  }
  const auto dir = std::filesystem::temp_directory_path() /
                   ("bc-bench-redis-" + std::to_string(::getpid()) + "-" + std::to_string(clients));
  std::filesystem::create_directories(dir);
  ScratchRedis redis(*port, dir);
  if (!redis.Start()) {
    state.SkipWithError("redis-server did not start (see its log in the temporary directory)");
    return;
  }
  // Enough appends for a few seconds at the rate a single fsync-bound client reaches.
  const int requests = clients == 1 ? 2000 : 10000;
  std::optional<double> rate;
  for (auto _ : state) {
    rate = RequestsPerSecond(CommandOutput("redis-benchmark -p " + std::to_string(*port) +
                                           " -t lpush -d 1024 -q -c " + std::to_string(clients) +
                                           " -n " + std::to_string(requests) + " 2>/dev/null"));
  }
  if (!rate) {
    state.SkipWithError("redis-benchmark printed no rate");
    return;
  }
  state.counters["msgs/s"] = *rate;
}

BENCHMARK(BM_RedisReference)
    ->ArgName("clients")
    ->Arg(1)
    ->Arg(10)
    ->Arg(100)
    ->Arg(1000)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace backchannel::relay
