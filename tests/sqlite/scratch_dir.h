// A temporary directory for the SQLite helper's tests, removed with its
// contents when the object dies.
#ifndef BACKCHANNEL_TESTS_SQLITE_SCRATCH_DIR_H_
#define BACKCHANNEL_TESTS_SQLITE_SCRATCH_DIR_H_

#include <stdlib.h>  // mkdtemp (POSIX)

#include <filesystem>
#include <string>

namespace backchannel::sqlite {

class ScratchDir {
 public:
  ScratchDir() {
    std::string templ = (std::filesystem::temp_directory_path() / "bc-sqlite-XXXXXX").string();
    path_ = ::mkdtemp(templ.data());
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  ScratchDir(ScratchDir&&) = delete;
  ScratchDir& operator=(ScratchDir&&) = delete;
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace backchannel::sqlite

#endif  // BACKCHANNEL_TESTS_SQLITE_SCRATCH_DIR_H_
