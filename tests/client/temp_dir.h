// A temporary directory removed (with its contents) when the object dies.
#ifndef BACKCHANNEL_TESTS_CLIENT_TEMP_DIR_H_
#define BACKCHANNEL_TESTS_CLIENT_TEMP_DIR_H_

#include <cstdlib>
#include <filesystem>
#include <string>

namespace backchannel::client::testing {

class TempDir {
 public:
  TempDir() {
    std::string templ = (std::filesystem::temp_directory_path() / "bc-client-XXXXXX").string();
    path_ = ::mkdtemp(templ.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  TempDir(TempDir&&) = delete;
  TempDir& operator=(TempDir&&) = delete;
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace backchannel::client::testing

#endif  // BACKCHANNEL_TESTS_CLIENT_TEMP_DIR_H_
