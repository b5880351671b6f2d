#include <exception>
#include <string>
#include <string_view>

#include "cli/cli.h"
#include "cli/terminal_filter.h"
#include "cli/usage.h"

namespace backchannel::cli {

void Context::Fail(const Status& status) { Fail(app::ErrorFrom(status), ExitCodeFor(status)); }

void Context::Fail(const app::Error& error, int code) {
  err << "backchannel: " << error.message << "\n";
  if (json && !printed) Emit(app::Json::object(), &error);
  exit_code = code;
}

void Context::FailOpen(const Status& status) {
  app::Error error = app::ErrorFromOpen(status);
  if (error.code == "no_store") {
    // A user who forgot --home has a store elsewhere: say so before `init`.
    error.message = error.message.substr(0, error.message.find(" (run"));
    error.message +=
        "; if your home is elsewhere, pass --home DIR or set BACKCHANNEL_HOME, otherwise run "
        "`backchannel init` to create one";
  }
  Fail(error, ExitCodeFor(status));
}

void Context::Emit(const app::Json& body, const app::Error* error) {
  out << app::Dump(app::Document(body, error)) << "\n";
  printed = true;
}

void Context::EmitLine(const app::Json& body) {
  out << app::Dump(app::Document(body), true) << "\n";
  printed = true;
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
  // --json anywhere before a "--" asks for JSON, parse errors included.
  for (int i = 1; i < argc && std::string_view(argv[i]) != "--"; ++i) {
    context.json = context.json || std::string_view(argv[i]) == "--json";
  }
  CLI::App app{"backchannel: a secure back-channel for exploratory negotiations"};
  app.name("backchannel");
  app.require_subcommand(1);
  for (CommandGroup group : CommandGroups()) group(app, context);
  AddUsageText(app);
  if (auto unknown = UnknownCommand(app, argc, argv)) {
    context.Fail(app::UsageError(*unknown), kExitBadInput);
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
    context.Fail(app::UsageError(ParseErrorMessage(e, argc, argv)), kExitBadInput);
    err << "Run with --help for usage.\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    context.Fail(app::Error{"internal", std::string("internal error: ") + e.what()}, kExitFailed);
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
