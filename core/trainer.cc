#include "core/trainer.h"

#include <chrono>
#include <cmath>

namespace rl {

Trainer::Trainer(const TrainerSettings& settings, VecEnv& env, VecEnv* eval_env, Agent& agent,
                 const RewardPipeline& reward)
    : settings_(settings), env_(env), eval_env_(eval_env), agent_(agent), reward_(reward) {
  const int n = env_.Size();
  env_return_ = Vec::Zero(n);
  optimized_return_ = Vec::Zero(n);
  term_sums_ = Mat::Zero(static_cast<int>(env_.Spec().reward_terms.size()), n);
}

void Trainer::RecordEpisodes(const Mat& obs, const Mat& action, const VecStep& step) {
  // the optimised reward of this step, labelled as the agent will label it
  obs_f_ = obs.cast<float>();
  action_f_ = action.cast<float>();
  next_obs_f_ = step.final_obs.cast<float>();
  env_reward_f_ = step.reward.cast<float>();
  optimized_f_.resize(env_.Size());
  reward_.Label({obs_f_, action_f_, next_obs_f_, env_reward_f_, step.terminated.data()},
                optimized_f_);

  // accumulate, and report the episodes that ended here
  env_return_ += step.reward;
  optimized_return_ += optimized_f_.cast<double>();
  term_sums_ += step.terms;
  for (int i = 0; i < env_.Size(); ++i) {
    if (!step.episode_length[i]) continue;
    finished_terms_ = term_sums_.col(i);
    EpisodeRecord record{global_step_, env_return_[i], step.episode_length[i],
                         optimized_return_[i], step.terminated[i] != 0, &finished_terms_};
    for (TrainerHook* h : hooks_) h->OnEpisode(record);
    env_return_[i] = 0.0;
    optimized_return_[i] = 0.0;
    term_sums_.col(i).setZero();
  }
}

EvalRecord Trainer::Evaluate(int64_t step, int index) {
  EvalRecord record;
  record.step = step;
  VecEnv& env = *eval_env_;
  const int n = env.Size();
  // every evaluation starts from fresh, reproducible streams: (seed, kEvalEnv, index * 2^20 + slot)
  for (int i = 0; i < n; ++i) {
    env.At(i).SetRng(Rng(settings_.seed, RngStream::kEvalEnv, (static_cast<uint64_t>(index) << 20) + i));
  }
  Mat obs, action;
  env.Reset(obs);
  VecStep out;
  env.ResizeFor(out);
  // slot i runs a fixed number of episodes (as SB3's evaluate_policy), so short episodes do not
  // crowd out long ones
  Vec returns = Vec::Zero(n);
  std::vector<int> target(n), done(n, 0);
  for (int i = 0; i < n; ++i) target[i] = (settings_.eval_episodes + i) / n;
  while (static_cast<int>(record.returns.size()) < settings_.eval_episodes) {
    agent_.Act(obs, ActMode::kEval, action);
    env.Step(action, out);
    returns += out.reward;
    for (int i = 0; i < n; ++i) {
      if (!out.episode_length[i]) continue;
      if (done[i] < target[i]) record.returns.push_back(returns[i]);
      ++done[i];
      returns[i] = 0.0;
    }
    obs = out.obs;
  }
  double sum = 0.0, sq = 0.0;
  for (double r : record.returns) sum += r;
  record.mean = sum / record.returns.size();
  for (double r : record.returns) sq += (r - record.mean) * (r - record.mean);
  record.std = std::sqrt(sq / record.returns.size());
  return record;
}

void Trainer::Run() {
  using Clock = std::chrono::steady_clock;
  Mat obs, action;
  VecStep step;
  env_.ResizeFor(step);
  env_.Reset(obs);
  const int n = env_.Size();
  int eval_index = 0;
  int64_t next_eval = settings_.eval_every > 0 ? settings_.eval_every : -1;
  auto last_time = Clock::now();
  int64_t last_step = 0;

  while (global_step_ < settings_.total_steps) {
    // act, step, observe
    agent_.SetProgress(static_cast<double>(global_step_) / settings_.total_steps);
    agent_.Act(obs, ActMode::kExplore, action);
    env_.Step(action, step);
    global_step_ += n;
    RecordEpisodes(obs, action, step);
    agent_.Observe(obs, action, step);
    obs = step.obs;

    // learn when the agent is ready
    if (agent_.ReadyToUpdate()) {
      const MetricValues metrics = agent_.Update(reward_);
      for (TrainerHook* h : hooks_) h->OnUpdate(global_step_, metrics);
      const auto now = Clock::now();
      const double seconds = std::chrono::duration<double>(now - last_time).count();
      const double sps = seconds > 0 ? (global_step_ - last_step) / seconds : 0.0;
      last_time = now;
      last_step = global_step_;
      for (TrainerHook* h : hooks_) h->OnIteration(global_step_, sps);
    }

    // periodic evaluation
    if (eval_env_ && next_eval > 0 && global_step_ >= next_eval && global_step_ < settings_.total_steps) {
      const EvalRecord e = Evaluate(global_step_, eval_index++);
      for (TrainerHook* h : hooks_) h->OnEval(e);
      next_eval += settings_.eval_every;
    }
  }
  if (eval_env_) {
    const EvalRecord e = Evaluate(global_step_, eval_index++);
    for (TrainerHook* h : hooks_) h->OnEval(e);
  }
  for (TrainerHook* h : hooks_) h->OnEnd(global_step_);
}

}  // namespace rl
