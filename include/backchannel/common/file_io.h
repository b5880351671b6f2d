// Reading and writing whole files: the one place every part does it, so a
// missing file, a file too large, a file others may read and a torn write
// mean the same thing everywhere.
//
// Errors: kNotFound (no such file), kInvalidArgument (not a regular file, or
// larger than `max_bytes`), kPermissionDenied (ReadPrivateFile: not owned by
// this user or readable/writable by others; the open itself refused),
// kAlreadyExists (WriteFileAtomic with `exclusive`), kIoError otherwise. Every
// message names the path.
//
// Thread safety: safe from any thread; concurrent writers of one path each
// write whole contents (the last rename wins).
#ifndef BACKCHANNEL_COMMON_FILE_IO_H_
#define BACKCHANNEL_COMMON_FILE_IO_H_

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "backchannel/common/result.h"

namespace backchannel {

inline constexpr std::size_t kDefaultMaxFileBytes = std::size_t{64} << 20;

// The whole of `path`, checked on the opened file descriptor (so a swap of
// the path between a check and the read cannot pass).
Result<std::string> ReadFile(const std::string& path, std::size_t max_bytes = kDefaultMaxFileBytes);

// As ReadFile, and also refused unless the file belongs to this user and no
// one else may read or write it (mode 0600 or stricter): keys and
// certificates.
Result<std::string> ReadPrivateFile(const std::string& path,
                                    std::size_t max_bytes = kDefaultMaxFileBytes);

// Writes `data` to `path` so that a crash leaves either the old file or the
// new one, never a mix: a temporary file beside it (mode `mode`), fsync,
// rename, fsync of the directory. With `exclusive`, an existing `path` is
// refused and nothing is written.
Status WriteFileAtomic(const std::string& path, std::string_view data, mode_t mode,
                       bool exclusive = false);

}  // namespace backchannel

#endif  // BACKCHANNEL_COMMON_FILE_IO_H_
