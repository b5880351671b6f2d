#include <exception>

#include "cli/cli.h"
#include "cli/terminal_filter.h"

namespace backchannel::cli {

void Context::Fail(const Status& status) {
  err << "backchannel: " << status.message() << "\n";
  exit_code = ExitCodeFor(status);
}

int ExitCodeFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk:
      return kExitOk;
    case StatusCode::kInvalidArgument:
    case StatusCode::kNotFound:
    case StatusCode::kCorrupt:
    case StatusCode::kUnsupportedVersion:
    case StatusCode::kIoError:
      return kExitBadInput;
    default:
      return kExitFailed;
  }
}

namespace {

int RunCommand(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  Context context{out, err};
  CLI::App app{"backchannel: a secure back-channel for exploratory negotiations"};
  app.name("backchannel");
  app.require_subcommand(1);
  for (CommandGroup group : CommandGroups()) group(app, context);
  bool known = argc < 2 || argv[1][0] == '-';
  for (const CLI::App* sub : app.get_subcommands({})) {
    known = known || sub->check_name(argv[1]);
  }
  if (!known) {
    err << "backchannel: unknown command '" << argv[1] << "'\n";
    err << "Run with --help for usage.\n";
    return kExitBadInput;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    out << app.help();
    return kExitOk;
  } catch (const CLI::CallForAllHelp&) {
    out << app.help("", CLI::AppFormatMode::All);
    return kExitOk;
  } catch (const CLI::ParseError& e) {
    // Help of a subcommand is also a ParseError with exit code 0.
    if (e.get_exit_code() == 0) {
      app.exit(e, out, err);
      return kExitOk;
    }
    err << "backchannel: " << e.what() << "\n";
    err << "Run with --help for usage.\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    err << "backchannel: internal error: " << e.what() << "\n";
    return kExitFailed;
  }
  return context.exit_code;
}

}  // namespace

int RunCli(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  int code = kExitFailed;
  {
    NeutralisingStreambuf out_filter(out.rdbuf());
    NeutralisingStreambuf err_filter(err.rdbuf());
    std::ostream safe_out(&out_filter);
    std::ostream safe_err(&err_filter);
    code = RunCommand(argc, argv, safe_out, safe_err);
  }  // the filters write out what they hold
  out.flush();
  err.flush();
  return code;
}

}  // namespace backchannel::cli
