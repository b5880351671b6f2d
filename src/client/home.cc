#include "backchannel/client/home.h"

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <iterator>

#include "backchannel/common/file_io.h"

namespace backchannel::client {
namespace {

// A passphrase file is a line; anything much larger is not one.
constexpr std::size_t kMaxPassphraseFileBytes = std::size_t{64} * 1024;

// Drops one trailing "\n" or "\r\n".
void TrimNewline(std::string& s) {
  if (!s.empty() && s.back() == '\n') s.pop_back();
  if (!s.empty() && s.back() == '\r') s.pop_back();
}

SecretBytes Take(std::string& s) {
  SecretBytes out(AsBytes(s));
  SecureWipe(s.data(), s.size());
  return out;
}

Result<std::string> PromptNoEcho(const std::string& prompt) {
  const int fd = ::fileno(stdin);
  if (::isatty(fd) == 0) {
    return InvalidArgument(
        "no passphrase: give --passphrase-file, set BACKCHANNEL_PASSPHRASE, or run on a terminal");
  }
  termios old_attr{};
  ::tcgetattr(fd, &old_attr);
  termios no_echo = old_attr;
  no_echo.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  ::tcsetattr(fd, TCSAFLUSH, &no_echo);
  std::cerr << prompt << std::flush;
  std::string line;
  std::getline(std::cin, line);
  ::tcsetattr(fd, TCSAFLUSH, &old_attr);
  std::cerr << "\n";
  TrimNewline(line);
  return line;
}

}  // namespace

std::string ResolveHome(const std::string& explicit_home) {
  if (!explicit_home.empty()) return explicit_home;
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg != nullptr && *xdg != '\0') {
    return (std::filesystem::path(xdg) / "backchannel").string();
  }
  const char* home = std::getenv("HOME");
  return (std::filesystem::path(home ? home : ".") / ".local" / "share" / "backchannel").string();
}

std::string StorePath(const std::string& home) {
  return (std::filesystem::path(home) / "store.db").string();
}

Result<SecretBytes> ReadPassphrase(const PassphraseSource& source) {
  std::string text;
  if (!source.file.empty()) {
    // The first line, without its line ending: what a prompt would read.
    auto file = ReadFile(source.file, kMaxPassphraseFileBytes);
    // kInvalidArgument whatever the file's problem: opening a home keeps
    // kNotFound and kPermissionDenied for "no store" and "wrong passphrase"
    // (app::ErrorFromOpen).
    if (!file)
      return InvalidArgument("the passphrase file: " + std::string(file.error().message()));
    text = file->substr(0, file->find('\n'));
    SecureWipe(file->data(), file->size());
    TrimNewline(text);
  } else if (const char* env = std::getenv("BACKCHANNEL_PASSPHRASE"); env != nullptr) {
    text = env;
  } else {
    BC_ASSIGN_OR_RETURN(text, PromptNoEcho(source.prompt));
    if (source.confirm) {
      BC_ASSIGN_OR_RETURN(std::string again, PromptNoEcho("Again: "));
      const bool same = again == text;
      SecureWipe(again.data(), again.size());
      if (!same) {
        SecureWipe(text.data(), text.size());
        return InvalidArgument("the passphrases differ");
      }
    }
  }
  if (text.empty()) return InvalidArgument("the passphrase is empty");
  return Take(text);
}

}  // namespace backchannel::client
