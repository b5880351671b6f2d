// Everything the CLI prints passes through NeutraliseForTerminal
// (common/terminal_text.h) on its way to the real stream, so no text from
// the network — a message, a name, a relay's error — reaches the terminal
// raw, whichever command printed it. Line breaks and tabs the CLI writes
// itself pass; a UTF-8 sequence split across writes is held until it is
// whole (or, at the end, replaced).
#ifndef BACKCHANNEL_SRC_CLI_TERMINAL_FILTER_H_
#define BACKCHANNEL_SRC_CLI_TERMINAL_FILTER_H_

#include <ostream>
#include <streambuf>
#include <string>

namespace backchannel::cli {

class NeutralisingStreambuf : public std::streambuf {
 public:
  explicit NeutralisingStreambuf(std::streambuf* target) : target_(target) {}
  ~NeutralisingStreambuf() override;
  NeutralisingStreambuf(const NeutralisingStreambuf&) = delete;
  NeutralisingStreambuf& operator=(const NeutralisingStreambuf&) = delete;
  NeutralisingStreambuf(NeutralisingStreambuf&&) = delete;
  NeutralisingStreambuf& operator=(NeutralisingStreambuf&&) = delete;

 protected:
  int_type overflow(int_type ch) override;
  std::streamsize xsputn(const char* s, std::streamsize n) override;
  int sync() override;

 private:
  // Writes out what is complete; `final` also flushes a partial sequence.
  void Drain(bool final);
  std::streambuf* target_;
  std::string pending_;
};

}  // namespace backchannel::cli

#endif  // BACKCHANNEL_SRC_CLI_TERMINAL_FILTER_H_
