#include "loop/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "core/checkpoint.h"
#include "core/error.h"

namespace rl {

Trainer::Trainer(const TrainerSettings& settings, VecEnv& env, VecEnv* eval_env, Agent& agent,
                 RewardPipeline& reward)
    : settings_(settings), env_(env), eval_env_(eval_env), agent_(agent), reward_(reward) {
  const int n = env_.Size();
  env_return_ = Vec::Zero(n);
  optimized_return_ = Vec::Zero(n);
  term_sums_ = Mat::Zero(static_cast<int>(TermNames().size()), n);
}

std::vector<std::string> Trainer::TermNames() const {
  std::vector<std::string> names = env_.Spec().reward_terms;
  names.insert(names.end(), reward_.Names().begin(), reward_.Names().end());
  return names;
}

std::vector<std::string> Trainer::MetricNames() const {
  std::vector<std::string> names = agent_.MetricNames();
  const std::vector<std::string> reward = reward_.MetricNames();
  names.insert(names.end(), reward.begin(), reward.end());
  return names;
}

void Trainer::RecordEpisodes(const Mat& obs, const Mat& action, const VecStep& step) {
  // every module's reward of this step and their weighted sum, as the agent will label it; the
  // fitting window (if a learned module wants one) records the step
  obs_f_ = obs.cast<float>();
  action_f_ = action.cast<float>();
  next_obs_f_ = step.final_obs.cast<float>();
  env_reward_f_ = step.reward.cast<float>();
  terms_f_ = step.terms.cast<float>();
  optimized_f_.resize(env_.Size());
  const RewardBatch batch{obs_f_,
                          action_f_,
                          next_obs_f_,
                          env_reward_f_,
                          terms_f_,
                          step.terminated.data(),
                          step.truncated.data()};
  reward_.Outputs(batch, module_out_, optimized_f_);
  const std::string bad = reward_.DescribeNonFinite(batch, optimized_f_, "env");
  if (!bad.empty()) throw NonFiniteError("step " + std::to_string(global_step_) + ": " + bad);
  reward_.Track(obs, action, step);

  // accumulate, and report the episodes that ended here
  const int num_env_terms = static_cast<int>(step.terms.rows());
  env_return_ += step.reward;
  optimized_return_ += optimized_f_.cast<double>();
  term_sums_.topRows(num_env_terms) += step.terms;
  term_sums_.bottomRows(module_out_.rows()) += module_out_.cast<double>();
  for (int i = 0; i < env_.Size(); ++i) {
    if (!step.episode_length[i]) continue;
    finished_terms_ = term_sums_.col(i);
    EpisodeRecord record{global_step_,         env_return_[i],          step.episode_length[i],
                         optimized_return_[i], step.terminated[i] != 0, &finished_terms_};
    for (TrainerHook* h : hooks_) h->OnEpisode(record);
    env_return_[i] = 0.0;
    optimized_return_[i] = 0.0;
    term_sums_.col(i).setZero();
  }
}

EvalRecord Trainer::Evaluate(int64_t step, int index) {
  return Evaluate(step, index, {settings_.eval_episodes, settings_.seed});
}

EvalRecord Trainer::Evaluate(int64_t step, int index, const EvalSpec& spec) {
  EvalRecord record;
  record.step = step;
  VecEnv& env = *eval_env_;
  const int n = env.Size();
  // every evaluation starts from fresh, reproducible streams: (seed, kEvalEnv, index * 2^20 + slot)
  for (int i = 0; i < n; ++i) {
    env.At(i).SetRng(Rng(spec.seed, RngStream::kEvalEnv, (static_cast<uint64_t>(index) << 20) + i));
  }
  Mat obs, action;
  env.Reset(obs);
  VecStep out;
  env.ResizeFor(out);
  // the first RecordedEpisodes() episodes to end are kept step by step; every slot tapes its
  // current episode until they are all in
  const size_t keep = static_cast<size_t>(RecordedEpisodes());
  std::vector<EpisodeTape> tapes(keep > 0 ? n : 0);
  for (size_t i = 0; i < tapes.size(); ++i) tapes[i].Start(env.At(static_cast<int>(i)));
  // slot i runs a fixed number of episodes (as SB3's evaluate_policy), so short episodes do not
  // crowd out long ones
  Vec returns = Vec::Zero(n), optimized = Vec::Zero(n);
  std::vector<int> target(n), done(n, 0);
  for (int i = 0; i < n; ++i) target[i] = (spec.episodes + i) / n;
  Eigen::MatrixXf outputs;
  Eigen::VectorXf labels(n);
  while (static_cast<int>(record.returns.size()) < spec.episodes) {
    agent_.Act(obs, spec.mode, action);
    env.Step(action, out);
    returns += out.reward;
    if (spec.optimized) {
      const Eigen::MatrixXf obs_f = obs.cast<float>(), action_f = action.cast<float>(),
                            next_f = out.final_obs.cast<float>(), terms_f = out.terms.cast<float>();
      const Eigen::VectorXf reward_f = out.reward.cast<float>();
      reward_.Outputs(
          {obs_f, action_f, next_f, reward_f, terms_f, out.terminated.data(), out.truncated.data()},
          outputs, labels);
      optimized += labels.cast<double>();
    }
    const bool taping = record.recorded.size() < keep;
    for (int i = 0; i < n && taping; ++i) {
      tapes[i].Add(action.col(i), out.reward[i], out.terms.col(i));
    }
    for (int i = 0; i < n; ++i) {
      if (!out.episode_length[i]) continue;
      if (done[i] < target[i]) {
        record.returns.push_back(returns[i]);
        record.lengths.push_back(out.episode_length[i]);
        record.terminated.push_back(out.terminated[i] != 0);
        if (spec.optimized) record.optimized_returns.push_back(optimized[i]);
        const size_t k = record.returns.size() - 1;
        if (k < keep) {
          record.recorded.push_back(
              tapes[i].Finish(step, static_cast<int64_t>(k), out.terminated[i] != 0));
        }
      }
      if (taping) tapes[i].Start(env.At(i));
      ++done[i];
      returns[i] = 0.0;
      optimized[i] = 0.0;
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

int Trainer::RecordedEpisodes() const {
  return eval_env_ ? std::min(settings_.record_episodes, settings_.eval_episodes) : 0;
}

void Trainer::Begin() {
  if (started_) return;
  env_.Reset(obs_);
  next_eval_ = settings_.eval_every > 0 ? settings_.eval_every : -1;
  started_ = true;
}

void Trainer::CollectShards(int steps) {
  const int n = env_.Size(), shards = agent_.RolloutShards();
  if (static_cast<int>(rollout_steps_.size()) < steps) {
    rollout_steps_.resize(steps);
    rollout_actions_.resize(steps);
    for (int t = 0; t < steps; ++t) {
      env_.ResizeFor(rollout_steps_[t]);
      rollout_actions_[t].resize(env_.Spec().action.Dim(), n);
    }
  }
  // shard k owns slots [first, first + count) for the whole rollout
  env_.ForEachShard(shards, [&](int k) {
    const int first = k * n / shards, count = (k + 1) * n / shards - first;
    for (int t = 0; t < steps; ++t) {
      const Mat& obs = t == 0 ? obs_ : rollout_steps_[t - 1].obs;
      Mat& action = rollout_actions_[t];
      agent_.ActShard(k, t, first, obs.middleCols(first, count), action.middleCols(first, count));
      for (int i = first; i < first + count; ++i)
        env_.StepSlot(i, action.col(i), rollout_steps_[t]);
    }
  });
  rollout_size_ = steps;
  rollout_next_ = 0;
}

void Trainer::ActAndStep(const Mat*& action, const VecStep*& step, double& env_seconds) {
  using Clock = std::chrono::steady_clock;
  if (agent_.RolloutShards() == 0) {
    agent_.Act(obs_, ActMode::kExplore, action_);
    const auto begin = Clock::now();
    env_.Step(action_, step_);
    env_seconds += std::chrono::duration<double>(Clock::now() - begin).count();
    action = &action_;
    step = &step_;
    return;
  }
  if (rollout_next_ == rollout_size_) {
    // a whole rollout, or what is left of total_steps
    const int64_t left = (settings_.total_steps - global_step_ + env_.Size() - 1) / env_.Size();
    const auto begin = Clock::now();
    CollectShards(static_cast<int>(std::min<int64_t>(agent_.RolloutSteps(), left)));
    env_seconds += std::chrono::duration<double>(Clock::now() - begin).count();
  }
  action = &rollout_actions_[rollout_next_];
  step = &rollout_steps_[rollout_next_];
  ++rollout_next_;
}

void Trainer::ApplyAgentGamma() {
  const double gamma = reward_.AgentGamma();
  if (gamma < 0 || gamma == agent_.Gamma()) return;
  if (!agent_.SetGamma(gamma)) {
    throw UserError("reward module '" + reward_.Names()[reward_.AgentGammaModule()] +
                    "' learns the agent's discount, which this agent cannot change");
  }
}

MetricValues Trainer::Update() {
  const std::string at = "step " + std::to_string(global_step_) + ": ";
  MetricValues metrics;
  try {
    metrics = agent_.Update(reward_);
  } catch (const NonFiniteError& e) {
    throw NonFiniteError(at + e.what());
  }
  const std::string bad = agent_.NonFinite(metrics);
  if (!bad.empty()) throw NonFiniteError(at + bad);
  return metrics;
}

void Trainer::Run() {
  using Clock = std::chrono::steady_clock;
  Begin();
  ApplyAgentGamma();
  stopped_ = false;
  env_.ResizeFor(step_);
  const int n = env_.Size();
  auto last_time = Clock::now();
  int64_t last_step = global_step_;
  double env_seconds = 0.0;  // inside env_.Step (or collecting shards) since the last update

  while (global_step_ < settings_.total_steps) {
    // act, step, observe
    agent_.SetProgress(static_cast<double>(global_step_) / settings_.total_steps);
    const Mat* action = nullptr;
    const VecStep* step = nullptr;
    ActAndStep(action, step, env_seconds);
    global_step_ += n;
    RecordEpisodes(obs_, *action, *step);
    const StepRecord record{global_step_, &obs_, action, step, &module_out_};
    for (TrainerHook* h : hooks_) h->OnStep(record);
    agent_.Observe(obs_, *action, *step);
    obs_ = step->obs;

    // learn when the agent is ready
    bool updated = false;
    IterationTiming timing;
    if (agent_.ReadyToUpdate()) {
      // learned rewards fit first, so the agent learns from the current reward
      const std::vector<double> reward_metrics = reward_.Fit(
          global_step_, agent_.Oracle(), agent_.Transitions(), agent_.PolicyInputGrad());
      ApplyAgentGamma();
      MetricValues metrics = Update();
      metrics.insert(metrics.end(), reward_metrics.begin(), reward_metrics.end());
      for (TrainerHook* h : hooks_) h->OnUpdate(global_step_, metrics);
      const auto now = Clock::now();
      const double seconds = std::chrono::duration<double>(now - last_time).count();
      const double steps = static_cast<double>(global_step_ - last_step);
      if (seconds > 0) timing.steps_per_second = steps / seconds;
      if (env_seconds > 0) timing.env_steps_per_second = steps / env_seconds;
      last_time = now;
      last_step = global_step_;
      env_seconds = 0.0;
      updated = true;
    }

    // periodic evaluation, before the iteration's hooks so a checkpoint taken there includes it
    if (eval_env_ && next_eval_ > 0 && global_step_ >= next_eval_ &&
        global_step_ < settings_.total_steps) {
      const EvalRecord e = Evaluate(global_step_, eval_index_++);
      for (TrainerHook* h : hooks_) h->OnEval(e);
      while (next_eval_ <= global_step_) next_eval_ += settings_.eval_every;
    }
    if (updated) {
      for (TrainerHook* h : hooks_) h->OnIteration(global_step_, timing);
      // a requested stop ends the loop where a checkpoint can be taken
      if (stop_flag_ && stop_flag_->load() && global_step_ < settings_.total_steps) {
        stopped_ = true;
        return;
      }
    }
  }
  if (eval_env_) {
    const EvalRecord e = Evaluate(global_step_, eval_index_++);
    for (TrainerHook* h : hooks_) h->OnEval(e);
  }
  for (TrainerHook* h : hooks_) h->OnEnd(global_step_);
}

void Trainer::SaveState(const h5::Group& g) const {
  g.WriteIntAttr("global_step", global_step_);
  g.WriteIntAttr("eval_index", eval_index_);
  g.WriteIntAttr("next_eval", next_eval_);
  ckpt::Write(g, "obs", obs_);
  ckpt::Write(g, "env_return", env_return_);
  ckpt::Write(g, "optimized_return", optimized_return_);
  ckpt::Write(g, "term_sums", term_sums_);
  reward_.Save(g.CreateGroup("reward"));

  // every env slot: snapshot state, steps into its episode, generator
  const h5::Group envs = g.CreateGroup("envs");
  for (int i = 0; i < env_.Size(); ++i) {
    const h5::Group e = envs.CreateGroup(std::to_string(i));
    ckpt::Write(e, "state", env_.At(i).SnapshotState());
    e.WriteIntAttr("elapsed", env_.At(i).ElapsedSteps());
    ckpt::WriteRng(e, "rng", env_.At(i).GetRng());
  }
}

void Trainer::LoadState(const h5::Group& g) {
  global_step_ = g.ReadIntAttr("global_step");
  eval_index_ = static_cast<int>(g.ReadIntAttr("eval_index"));
  next_eval_ = g.ReadIntAttr("next_eval");
  ckpt::Read(g, "obs", obs_);
  ckpt::Read(g, "env_return", env_return_);
  ckpt::Read(g, "optimized_return", optimized_return_);
  ckpt::Read(g, "term_sums", term_sums_);
  reward_.Load(g.OpenGroup("reward"));
  const h5::Group envs = g.OpenGroup("envs");
  if (static_cast<int>(envs.Children().size()) != env_.Size() || obs_.cols() != env_.Size()) {
    throw UserError(g.FilePath() + ": the checkpoint has another number of envs than env.num_envs");
  }
  Vec obs(env_.Spec().observation.Dim());
  for (int i = 0; i < env_.Size(); ++i) {
    const h5::Group e = envs.OpenGroup(std::to_string(i));
    Vec state;
    ckpt::Read(e, "state", state);
    Rng rng;
    ckpt::ReadRng(e, "rng", rng);
    env_.At(i).RestoreState(state, static_cast<int>(e.ReadIntAttr("elapsed")), rng, obs);
  }
  ApplyAgentGamma();
  started_ = true;
}

}  // namespace rl
