// Where a client keeps its files, and how it gets its passphrase.
//
// Home directory: --home DIR, else $XDG_DATA_HOME/backchannel, else
// ~/.local/share/backchannel. The store is `<home>/store.db`.
//
// Passphrase, first found: --passphrase-file FILE (its first line), the
// BACKCHANNEL_PASSPHRASE environment variable, a prompt on the terminal
// with echo off. No terminal and neither of the others is kInvalidArgument.
//
// Thread safety: every function is safe to call from any thread except
// ReadPassphrase's prompt, which owns the terminal while it runs.
#ifndef BACKCHANNEL_CLIENT_HOME_H_
#define BACKCHANNEL_CLIENT_HOME_H_

#include <string>

#include "backchannel/common/result.h"
#include "backchannel/common/secret_bytes.h"

namespace backchannel::client {

// `explicit_home` when not empty, else the XDG default described above.
std::string ResolveHome(const std::string& explicit_home);
std::string StorePath(const std::string& home);

struct PassphraseSource {
  std::string file;      // --passphrase-file
  bool confirm = false;  // prompt twice (for init)
  std::string prompt = "Passphrase: ";
};

Result<SecretBytes> ReadPassphrase(const PassphraseSource& source);

}  // namespace backchannel::client

#endif  // BACKCHANNEL_CLIENT_HOME_H_
