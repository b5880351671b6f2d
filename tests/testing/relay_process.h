// A running `backchanneld` child process for tests: started with the given
// arguments, its startup line ("listening HOST:PORT cert-sha256 HEX") read
// back, stopped with a signal. One helper for every test that needs a real
// relay (relay e2e, client e2e, CLI, crash).
#ifndef BACKCHANNEL_TESTS_TESTING_RELAY_PROCESS_H_
#define BACKCHANNEL_TESTS_TESTING_RELAY_PROCESS_H_

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "backchannel/common/result.h"
#include "backchannel/crypto/certificate_pin.h"

namespace backchannel::testing {

class RelayProcess {
 public:
  // Starts `binary` with `args` and waits (10 s at most) for its startup line.
  static Result<std::unique_ptr<RelayProcess>> Start(const std::string& binary,
                                                     const std::vector<std::string>& args);
  // `binary --listen 127.0.0.1:0 --data data_dir`.
  static Result<std::unique_ptr<RelayProcess>> StartOnAnyPort(const std::string& binary,
                                                              const std::string& data_dir);
  RelayProcess() = default;
  ~RelayProcess();  // SIGTERM, then SIGKILL after 5 s, if still running
  RelayProcess(const RelayProcess&) = delete;
  RelayProcess& operator=(const RelayProcess&) = delete;
  RelayProcess(RelayProcess&&) = delete;
  RelayProcess& operator=(RelayProcess&&) = delete;

  std::uint16_t port() const { return port_; }
  const std::string& address() const { return address_; }  // "HOST:PORT"
  const std::string& pin() const { return pin_; }          // 64 hex digits
  CertificatePin certificate_pin() const;                  // the same, typed
  // --tls-next-cert's pin as the startup line gave it; empty without one.
  const std::string& next_pin() const { return next_pin_; }
  pid_t pid() const { return pid_; }
  // Sends `sig` and waits for the exit; the exit status (or 128 + signal).
  int Signal(int sig);

 private:
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  std::string address_;
  std::string pin_;
  std::string next_pin_;
};

}  // namespace backchannel::testing

#endif  // BACKCHANNEL_TESTS_TESTING_RELAY_PROCESS_H_
