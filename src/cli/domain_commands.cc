// `backchannel domain show FILE` and `backchannel domain convert`: inspect a
// domain in any supported format, and export a domain with its profiles to
// the native format (docs/negotiation.md).
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "backchannel/app/scenario.h"
#include "cli/cli.h"
#include "cli/inputs.h"

namespace backchannel::cli {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

struct ShowArgs {
  std::string file;    // the old positional form, still read
  std::string domain;  // --domain FILE, as analyze, rehearse and convert take it
  bool json = false;
  bool lenient = false;
};

struct ConvertArgs {
  std::string domain;
  std::vector<std::string> profiles;
  std::string out_dir;
  bool json = false;
  bool lenient = false;
};

void RunShow(const ShowArgs& args, Context& ctx) {
  if (args.file.empty() == args.domain.empty()) {
    return ctx.Fail(app::UsageError("domain show needs one domain file: --domain FILE"),
                    kExitBadInput);
  }
  std::vector<std::string> warnings;
  auto domain =
      app::ShowDomainFile(args.domain.empty() ? args.file : args.domain, args.lenient, &warnings);
  PrintWarnings(warnings, ctx.err);
  if (!domain) return ctx.Fail(domain.error());
  if (args.json) {
    ctx.Emit(app::ToJson(*domain));
    return;
  }
  ctx.out << "Domain " << domain->name << ": " << domain->issues.size() << " issues, "
          << domain->outcomes << " possible packages\n";
  for (const auto& issue : domain->issues) {
    ctx.out << "  " << issue.name;
    if (issue.integer) {
      ctx.out << " (integer " << issue.lower << ".." << issue.upper << ")";
    } else {
      ctx.out << " (" << issue.option_count << " options)";
    }
    if (issue.divisible) ctx.out << " [divisible]";
    ctx.out << "\n";
    for (const auto& o : issue.options) ctx.out << "    - " << o << "\n";
  }
}

Status WriteFile(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return Status(StatusCode::kIoError, path.string() + ": cannot write");
  out << text;
  out.close();
  if (!out) return Status(StatusCode::kIoError, path.string() + ": write failed");
  return Status::Ok();
}

void RunConvert(const ConvertArgs& args, Context& ctx) {
  std::vector<std::string> warnings;
  auto scenario = app::ConvertScenarioFiles(args.domain, args.profiles, args.lenient, &warnings);
  PrintWarnings(warnings, ctx.err);
  if (!scenario) return ctx.Fail(scenario.error());
  std::error_code ec;
  fs::create_directories(args.out_dir, ec);
  if (ec || !fs::is_directory(args.out_dir)) {
    // The output directory is an argument: a bad one is bad input.
    return ctx.Fail(InvalidArgument(args.out_dir + ": cannot create directory"));
  }
  // Compute every name first so nothing is written when two profiles collide.
  const fs::path dir(args.out_dir);
  const fs::path domain_path = dir / "domain.json";
  std::vector<fs::path> profile_paths;
  for (const auto& p : args.profiles) {
    fs::path out = dir / (fs::path(p).stem().string() + ".profile.json");
    for (const auto& seen : profile_paths) {
      if (seen == out) {
        return ctx.Fail(InvalidArgument("two profiles would both be written to " + out.string()));
      }
    }
    profile_paths.push_back(out);
  }
  Status s = WriteFile(domain_path, scenario->domain_json);
  for (std::size_t i = 0; s.ok() && i < profile_paths.size(); ++i) {
    s = WriteFile(profile_paths[i], scenario->profile_json[i]);
  }
  if (!s.ok()) {
    ctx.err << "backchannel: " << s.message() << "\n";
    ctx.exit_code = kExitFailed;
    return;
  }
  if (args.json) {
    Json doc{{"domain", domain_path.string()}, {"profiles", Json::array()}};
    for (const auto& p : profile_paths) doc["profiles"].push_back(p.string());
    ctx.Emit(doc);
    return;
  }
  ctx.out << "wrote " << domain_path.string() << "\n";
  for (const auto& p : profile_paths) ctx.out << "wrote " << p.string() << "\n";
}

}  // namespace

void RegisterDomainCommands(CLI::App& app, Context& context) {
  CLI::App* domain = app.add_subcommand("domain", "Inspect and convert negotiation domains");
  domain->require_subcommand(1);

  auto show = std::make_shared<ShowArgs>();
  CLI::App* show_cmd = domain->add_subcommand("show", "Print a domain's issues and options");
  show_cmd->add_option("--domain", show->domain, "Domain file (or a profile that embeds one)");
  show_cmd->add_option("file", show->file, "The same, the older positional form");
  show_cmd->add_flag("--json", show->json, "Print the native JSON domain");
  show_cmd->add_flag("--lenient", show->lenient, "Read what GENIUS reads, with warnings");
  show_cmd->callback([show, &context] { RunShow(*show, context); });

  auto convert = std::make_shared<ConvertArgs>();
  CLI::App* convert_cmd =
      domain->add_subcommand("convert", "Export a domain and its profiles to the native format");
  convert_cmd->add_option("--domain", convert->domain, "Domain file")->required();
  convert_cmd->add_option("--profile", convert->profiles, "Profile file (repeatable)");
  convert_cmd->add_option("--out-dir", convert->out_dir, "Directory to write into")->required();
  convert_cmd->add_flag("--json", convert->json, "Print the written paths as JSON");
  convert_cmd->add_flag("--lenient", convert->lenient, "Read what GENIUS reads, with warnings");
  convert_cmd->callback([convert, &context] { RunConvert(*convert, context); });
}

}  // namespace backchannel::cli
