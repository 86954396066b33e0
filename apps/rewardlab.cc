// rewardlab: the single CLI entry point. Each verb lives in its own apps/cmd_*.cc file.
#include <algorithm>
#include <iostream>
#include <new>
#include <string>

#include "apps/commands.h"
#include "core/error.h"

namespace {

// The verb of the command line ("train"), for messages.
std::string Verb(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (argv[i][0] != '-') return argv[i];
  }
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"rewardlab: a research testbed for reward design in reinforcement learning"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "show help for every verb");
  rl::AddTrainCommand(app);
  rl::AddEnvCommands(app);
  rl::AddRolloutCommand(app);
  rl::AddConfigCommands(app);
  rl::AddCompareRewardsCommand(app);
  rl::AddSweepCommands(app);
  rl::AddPlotCommands(app);
  rl::AddViewCommand(app);
  rl::AddRecordCommand(app);
  rl::AddEvalCommand(app);
  rl::AddDemosCommand(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::RuntimeError& e) {
    return e.get_exit_code();
  } catch (const CLI::ParseError& e) {
    // one line: what went wrong and where to look
    std::cerr << "rewardlab: error: " << e.what() << " (see `rewardlab --help`)\n";
    return rl::kUserErrorExitCode;
  } catch (const rl::ExitRequest& e) {
    return e.code;
  } catch (const rl::UserError& e) {
    std::cerr << "rewardlab: error: " << e.what() << "\n";
    return rl::kUserErrorExitCode;
  } catch (const std::bad_alloc&) {
    // sizes are checked against memory up front (docs/config.md, Limits); this is the backstop
    std::cerr << "rewardlab: error: out of memory while running `rewardlab " << Verb(argc, argv)
              << "`: the config needs more memory than this machine has; reduce "
                 "agent.buffer_size, agent.batch_size, agent.num_steps, agent.net.hidden or "
                 "env.num_envs\n";
    return rl::kUserErrorExitCode;
  } catch (const std::exception& e) {
    std::string what = e.what();
    std::replace(what.begin(), what.end(), '\n', ' ');
    std::cerr << "rewardlab: error: `rewardlab " << Verb(argc, argv) << "` failed: " << what
              << " (an internal error; please report it with the command line)\n";
    return rl::kUserErrorExitCode;
  }
  return 0;
}
