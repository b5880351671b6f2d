// The command groups of `backchannel`, in --help order. Adding a group: write
// its Register...Commands function in its own file, declare it in cli.h and
// list it here.
#include "cli/cli.h"

namespace backchannel::cli {

const std::vector<CommandGroup>& CommandGroups() {
  static const std::vector<CommandGroup> groups = {
      &RegisterAnalyzeCommands,   &RegisterRehearseCommands, &RegisterDomainCommands,
      &RegisterAuthorityCommands, &RegisterChannelCommands,  &RegisterTalksCommands,
      &RegisterRecordCommands,    &RegisterFeelerCommands,   &RegisterAgentCommands,
      &RegisterPasswdCommand,     &RegisterAppCommand,
  };
  return groups;
}

}  // namespace backchannel::cli
