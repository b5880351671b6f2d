// Runs the real `backchanneld` on 127.0.0.1 port 0 in a temp dir for a test,
// reads its startup line ("listening HOST:PORT cert-sha256 HEX") and stops
// it (SIGTERM, then SIGKILL) when destroyed.
#ifndef BACKCHANNEL_TESTS_CLIENT_RELAY_PROCESS_H_
#define BACKCHANNEL_TESTS_CLIENT_RELAY_PROCESS_H_

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <sstream>
#include <string>
#include <thread>

namespace backchannel::client::testing {

class RelayProcess {
 public:
  RelayProcess(const std::string& binary, const std::string& data_dir) {
    int fds[2];
    if (::pipe(fds) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(fds[1], 1);
      ::close(fds[0]);
      ::close(fds[1]);
      ::execl(binary.c_str(), binary.c_str(), "--listen", "127.0.0.1:0", "--data", data_dir.c_str(),
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(fds[1]);
    std::string line;
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    char ch = 0;
    while (std::chrono::steady_clock::now() < end) {
      pollfd p{fds[0], POLLIN, 0};
      if (::poll(&p, 1, 200) <= 0) continue;
      if (::read(fds[0], &ch, 1) != 1) break;
      if (ch == '\n') break;
      line.push_back(ch);
    }
    ::close(fds[0]);
    std::istringstream in(line);
    std::string word, hostport, label;
    in >> word >> hostport >> label >> pin_;
    if (word == "listening" && label == "cert-sha256") address_ = hostport;
  }
  ~RelayProcess() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 50; ++i) {
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  RelayProcess(const RelayProcess&) = delete;
  RelayProcess& operator=(const RelayProcess&) = delete;
  RelayProcess(RelayProcess&&) = delete;
  RelayProcess& operator=(RelayProcess&&) = delete;

  bool ok() const { return !address_.empty() && pin_.size() == 64; }
  const std::string& address() const { return address_; }
  const std::string& pin() const { return pin_; }

 private:
  pid_t pid_ = -1;
  std::string address_;
  std::string pin_;
};

}  // namespace backchannel::client::testing

#endif  // BACKCHANNEL_TESTS_CLIENT_RELAY_PROCESS_H_
