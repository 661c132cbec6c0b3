// The crosstalk command line: parses argv, runs one subcommand, prints any
// error as one line and returns the exit code (0 done, 1 failed, 2 bad usage).
#pragma once

namespace crosstalk::cli {
int run(int argc, char** argv);
}
