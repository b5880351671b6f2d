// Help text and usage errors (usage.h).
#include "cli/usage.h"

#include <map>
#include <string_view>

namespace backchannel::cli {
namespace {

// One example per command, keyed by its path ("talks propose").
const std::map<std::string, std::string>& Examples() {
  static const std::map<std::string, std::string> examples = {
      {"analyze", "backchannel analyze --domain agenda.json --profile us.json --profile ir.json"},
      {"rehearse", "backchannel rehearse --domain agenda.json --profile us.json --profile ir.json"},
      {"domain show", "backchannel domain show --domain agenda.json"},
      {"domain convert",
       "backchannel domain convert --domain party.xml --profile a.xml --out-dir native/"},
      {"authority init", "backchannel authority init --dir us-authority --side \"United States\""},
      {"authority issue",
       "backchannel authority issue --dir us-authority --identity-key KEY --role envoy "
       "--name \"Amb. Whitfield\" --days 90 --out envoy.credential"},
      {"authority revoke", "backchannel authority revoke --dir us-authority --serial 3"},
      {"authority show", "backchannel authority show --dir us-authority --json"},
      {"init", "backchannel init --home ~/bc --relay relay.example:7443 --pin SHA256HEX"},
      {"credential import", "backchannel credential import envoy.credential"},
      {"trust add", "backchannel trust add --side Iran -- KEY   (`--` lets KEY start with '-')"},
      {"trust list", "backchannel trust list"},
      {"trust remove", "backchannel trust remove -- KEY"},
      {"trust pending", "backchannel trust pending --refuse 2"},
      {"trust revocations", "backchannel trust revocations us-authority/revocations.txt"},
      {"invite", "backchannel invite --no-qr"},
      {"accept", "backchannel accept --name \"Amb. Whitfield\" bc1-..."},
      {"contacts", "backchannel contacts --json"},
      {"send", "backchannel send \"Amb. Rahimi\" \"Tomorrow at nine?\""},
      {"outbox", "backchannel outbox --flush"},
      {"inbox", "backchannel inbox \"Amb. Rahimi\""},
      {"listen", "backchannel listen --json --for 60"},
      {"fingerprint", "backchannel fingerprint \"Amb. Rahimi\" --compared"},
      {"reset", "backchannel reset \"Amb. Rahimi\" --reason \"new phone\""},
      {"status", "backchannel status --json"},
      {"talks create",
       "backchannel talks create geneva --title \"Geneva\" --agenda agenda.json --side A --side B"},
      {"talks invite", "backchannel talks invite geneva \"Amb. Whitfield\" --role envoy"},
      {"talks join", "backchannel talks join geneva --profile us.profile.json"},
      {"talks status", "backchannel talks status geneva"},
      {"talks sync", "backchannel talks sync"},
      {"talks say", "backchannel talks say geneva --scope plenary \"Good morning\""},
      {"talks propose", "backchannel talks propose geneva --package \"nuclear=suspension, ...\""},
      {"talks counter", "backchannel talks counter geneva 1 --package \"nuclear=capped, ...\""},
      {"talks accept", "backchannel talks accept geneva 3"},
      {"talks reject", "backchannel talks reject geneva 3 --reason \"too little\""},
      {"talks approve", "backchannel talks approve geneva d1"},
      {"talks veto", "backchannel talks veto geneva d2 --reason \"not the detainees\""},
      {"talks suggest", "backchannel talks suggest geneva"},
      {"record verify", "backchannel record verify geneva"},
      {"record export", "backchannel record export geneva --format md --out geneva.md"},
  };
  return examples;
}

void AddExamples(CLI::App& cmd, const std::string& path) {
  auto it = Examples().find(path);
  if (it != Examples().end()) cmd.footer("Example:\n  " + it->second);
  for (CLI::App* sub : cmd.get_subcommands({})) {
    AddExamples(*sub, (path.empty() ? "" : path + " ") + sub->get_name());
  }
}

}  // namespace

void OneValuePerOption(CLI::App& app) {
  // CLI11 lets a repeatable option (--side, --issue, ...) swallow every word
  // after it up to the next option, and a "--" then ends that list instead
  // of marking the positionals: `trust add --side Iran KEY` lost its KEY and
  // `--side Iran -- -KEY` read -KEY as options. One value per occurrence
  // (repeat the option for several) makes both do what they say.
  for (CLI::Option* option : app.get_options()) {
    if (!option->get_positional() && option->get_items_expected_max() > 1) {
      option->allow_extra_args(false);
    }
  }
  for (CLI::App* sub : app.get_subcommands({})) OneValuePerOption(*sub);
}

void AddUsageText(CLI::App& app) {
  OneValuePerOption(app);
  app.set_version_flag("--version", std::string("backchannel ") + BC_VERSION);
  for (CLI::App* sub : app.get_subcommands({})) AddExamples(*sub, sub->get_name());
  app.footer(
      "Exit codes: 0 ok; 1 the operation failed (e.g. relay unreachable, refused move); "
      "2 bad input or usage.\n"
      "With --json every command prints one JSON object (docs/app-api.md).\n"
      "The client home: --home DIR, else $BACKCHANNEL_HOME, else $XDG_DATA_HOME/backchannel.\n"
      "Run `backchannel COMMAND --help` for a command's options and an example.");
}

std::optional<std::string> UnknownCommand(const CLI::App& app, int argc, const char* const* argv) {
  if (argc < 2 || argv[1][0] == '-') return std::nullopt;
  const CLI::App* command = nullptr;
  for (const CLI::App* sub : app.get_subcommands({})) {
    if (sub->check_name(argv[1])) command = sub;
  }
  if (command == nullptr) return "unknown command '" + std::string(argv[1]) + "'";
  // A group (talks, trust, ...) that needs a subcommand: name a typo as one.
  if (argc < 3 || argv[2][0] == '-' || command->get_require_subcommand_min() == 0) {
    return std::nullopt;
  }
  for (const CLI::App* sub : command->get_subcommands({})) {
    if (sub->check_name(argv[2])) return std::nullopt;
  }
  return "unknown subcommand '" + std::string(argv[2]) + "' of '" + std::string(argv[1]) + "'";
}

std::string ParseErrorMessage(const CLI::ParseError& e, int argc, const char* const* argv) {
  std::string message = e.what();
  // CLI11 reads "-abc..." as short options, so a key that starts with '-'
  // leaves its positional empty ("key is required") or looks unexpected.
  bool dash_value = false;
  for (int i = 2; i < argc; ++i) {
    const std::string_view a(argv[i]);
    if (a == "--") break;
    dash_value = dash_value || (a.size() > 2 && a[0] == '-' && a[1] != '-');
  }
  if (dash_value) {
    message +=
        "; a value that starts with '-' is read as an option: put `--` before it "
        "(e.g. `backchannel trust add --side Iran -- -KEY`)";
  }
  return message;
}

}  // namespace backchannel::cli
