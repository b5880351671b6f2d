#include "testing/relay_process.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <sstream>
#include <thread>

#include "backchannel/crypto/encoding.h"
#include "testing/die_with_parent.h"

namespace backchannel::testing {

Result<std::unique_ptr<RelayProcess>> RelayProcess::Start(const std::string& binary,
                                                          const std::vector<std::string>& args) {
  int fds[2];
  if (::pipe(fds) != 0) return IoError("pipe");
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) return IoError("fork");
  if (pid == 0) {
    // Every caller starts relays from the test's main thread.
    DieWithParent(parent);
    ::dup2(fds[1], STDOUT_FILENO);
    ::close(fds[0]);
    ::close(fds[1]);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(binary.c_str()));
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(binary.c_str(), argv.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  auto proc = std::make_unique<RelayProcess>();
  proc->pid_ = pid;
  std::string line;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (line.find('\n') == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{fds[0], POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    char c[256];
    const ssize_t n = ::read(fds[0], c, sizeof c);
    if (n <= 0) break;
    line.append(c, static_cast<std::size_t>(n));
  }
  ::close(fds[0]);  // the relay prints nothing else to stdout
  std::istringstream in(line);
  std::string word;
  std::string pin_word;
  in >> word >> proc->address_ >> pin_word >> proc->pin_;
  if (word != "listening" || pin_word != "cert-sha256" || proc->pin_.size() != 64) {
    return Internal("backchanneld printed no startup line: '" + line + "'");
  }
  std::string next_word;
  if (in >> next_word) {
    in >> proc->next_pin_;
    if (next_word != "next-cert-sha256" || proc->next_pin_.size() != 64) {
      return Internal("backchanneld printed a bad startup line: '" + line + "'");
    }
  }
  proc->port_ =
      static_cast<std::uint16_t>(std::stoi(proc->address_.substr(proc->address_.rfind(':') + 1)));
  return proc;
}

Result<std::unique_ptr<RelayProcess>> RelayProcess::StartOnAnyPort(const std::string& binary,
                                                                   const std::string& data_dir) {
  return Start(binary, {"--listen", "127.0.0.1:0", "--data", data_dir});
}

RelayProcess::~RelayProcess() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  for (int i = 0; i < 50; ++i) {
    if (::waitpid(pid_, nullptr, WNOHANG) == pid_) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  Signal(SIGKILL);
}

int RelayProcess::Signal(int sig) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, sig);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

CertificatePin RelayProcess::certificate_pin() const {
  // Start checked the startup line's 64 hex digits.
  return FromHexFixed<CertificatePin>(pin_).value();
}

}  // namespace backchannel::testing
