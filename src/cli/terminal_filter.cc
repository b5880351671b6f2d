#include "cli/terminal_filter.h"

#include "backchannel/common/terminal_text.h"

namespace backchannel::cli {
namespace {

// How many bytes at the end of `s` are the start of a UTF-8 sequence that
// is not complete yet (0 when the end is complete or not UTF-8 at all).
std::size_t IncompleteTail(const std::string& s) {
  for (std::size_t back = 1; back <= 3 && back <= s.size(); ++back) {
    const auto c = static_cast<unsigned char>(s[s.size() - back]);
    if ((c & 0xC0) == 0x80) continue;  // a continuation byte: look further back
    std::size_t need = 0;
    if ((c & 0xE0) == 0xC0) need = 2;
    if ((c & 0xF0) == 0xE0) need = 3;
    if ((c & 0xF8) == 0xF0) need = 4;
    return need > back ? back : 0;
  }
  return 0;
}

}  // namespace

NeutralisingStreambuf::~NeutralisingStreambuf() {
  Drain(true);
  target_->pubsync();
}

NeutralisingStreambuf::int_type NeutralisingStreambuf::overflow(int_type ch) {
  if (traits_type::eq_int_type(ch, traits_type::eof())) return traits_type::not_eof(ch);
  pending_.push_back(traits_type::to_char_type(ch));
  if (ch == '\n') Drain(false);
  return ch;
}

std::streamsize NeutralisingStreambuf::xsputn(const char* s, std::streamsize n) {
  pending_.append(s, static_cast<std::size_t>(n));
  if (pending_.find('\n') != std::string::npos || pending_.size() > 4096) Drain(false);
  return n;
}

int NeutralisingStreambuf::sync() {
  Drain(false);
  return target_->pubsync();
}

void NeutralisingStreambuf::Drain(bool final) {
  const std::size_t keep = final ? 0 : IncompleteTail(pending_);
  const std::string safe =
      NeutraliseForTerminal(std::string_view(pending_.data(), pending_.size() - keep));
  target_->sputn(safe.data(), static_cast<std::streamsize>(safe.size()));
  pending_.erase(0, pending_.size() - keep);
}

}  // namespace backchannel::cli
