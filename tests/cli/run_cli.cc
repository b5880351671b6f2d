#include "cli/run_cli.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace backchannel::testing {
namespace {

namespace fs = std::filesystem;

// A temporary file, removed when the object dies.
class TempFile {
 public:
  TempFile() {
    std::string templ = (fs::temp_directory_path() / "bc-cli-XXXXXX").string();
    const int fd = ::mkstemp(templ.data());
    if (fd >= 0) {
      ::close(fd);
      path_ = templ;
    }
  }
  ~TempFile() {
    std::error_code ec;
    if (!path_.empty()) fs::remove(path_, ec);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  TempFile(TempFile&&) = delete;
  TempFile& operator=(TempFile&&) = delete;

  const std::string& path() const { return path_; }
  std::string Read() const {
    std::ifstream in(path_, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }

 private:
  std::string path_;
};

}  // namespace

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

CliResult RunCliLine(const std::string& command_line, const CliRunOptions& options) {
  TempFile out;
  TempFile err;
  CliResult r;
  if (out.path().empty() || err.path().empty()) return r;
  std::string cmd = options.env.empty() ? "" : options.env + " ";
  cmd += ShellQuote(BC_BACKCHANNEL_BINARY) + " " + command_line;
  cmd += " >" + ShellQuote(out.path());
  cmd += options.merge_stderr ? " 2>&1" : " 2>" + ShellQuote(err.path());
  const int status = std::system(cmd.c_str());
  r.code = status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = out.Read();
  if (!options.merge_stderr) r.err = err.Read();
  return r;
}

CliResult RunCli(const std::vector<std::string>& args, const CliRunOptions& options) {
  std::string line;
  for (const auto& a : args) {
    if (!line.empty()) line += " ";
    line += ShellQuote(a);
  }
  return RunCliLine(line, options);
}

}  // namespace backchannel::testing
