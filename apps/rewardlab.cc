// rewardlab: the single CLI entry point. Each verb lives in its own apps/cmd_*.cc file.
#include <iostream>

#include "apps/commands.h"
#include "core/error.h"

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
  }
  return 0;
}
