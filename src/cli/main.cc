// The `backchannel` program; everything but argv handling is in bc_cli.
#include <iostream>

#include "cli/cli.h"

int main(int argc, char** argv) {
  return backchannel::cli::RunCli(argc, argv, std::cout, std::cerr);
}
