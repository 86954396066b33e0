#include "envs/check_env.h"

#include <cmath>
#include <memory>
#include <sstream>

#include "envs/registry.h"
#include "envs/vec_env.h"

namespace rl {
namespace {

// A recorded random-action run: every observation, reward and flag.
struct Trace {
  std::vector<Vec> obs;
  std::vector<double> rewards;
  std::vector<int> flags;  // terminated + 2 * truncated
};

Trace Run(Env& env, uint64_t seed, int steps) {
  Trace t;
  Rng actions(seed, RngStream::kCli, 0);
  env.SetRng(Rng(seed, RngStream::kEnv, 0));
  StepResult r;
  env.ResizeFor(r);
  Vec obs(env.Spec().observation.Dim());
  env.Reset(obs);
  t.obs.push_back(obs);
  for (int i = 0; i < steps; ++i) {
    env.Step(SampleAction(env.Spec().action, actions), r);
    t.obs.push_back(r.obs);
    t.rewards.push_back(r.reward);
    t.flags.push_back(r.terminated + 2 * r.truncated);
    if (r.terminated || r.truncated) {
      env.Reset(obs);
      t.obs.push_back(obs);
    }
  }
  return t;
}

// Whether obs lies in the observation space, allowing float32 rounding at the bounds.
bool InObservationSpace(const Space& s, const Vec& obs) {
  if (obs.size() != s.Dim() || !obs.allFinite()) return false;
  for (int i = 0; i < obs.size(); ++i) {
    const double tol = 1e-6 * std::max(1.0, std::abs(obs[i]));
    if (obs[i] < s.low[i] - tol || obs[i] > s.high[i] + tol) return false;
  }
  return true;
}

std::string VecText(const Vec& v) {
  std::ostringstream os;
  for (int i = 0; i < v.size(); ++i) os << (i ? "," : "") << v[i];
  return os.str();
}

}  // namespace

Vec SampleAction(const Space& space, Rng& rng) {
  if (space.IsDiscrete()) return Vec::Constant(1, static_cast<double>(rng.UniformInt(space.n)));
  Vec a(space.Dim());
  for (int i = 0; i < a.size(); ++i) a[i] = rng.Uniform(space.low[i], space.high[i]);
  return a;
}

std::vector<CheckResult> CheckEnv(const std::string& id, const ConfigNode& options,
                                  const CheckEnvOptions& check) {
  std::vector<CheckResult> out;
  auto report = [&](std::string name, bool ok, std::string detail) {
    out.push_back({std::move(name), ok, std::move(detail)});
  };
  const EnvEntry& entry = FindEnv(id);
  std::unique_ptr<Env> env = entry.make(options, "env.options");
  const EnvSpec& spec = env->Spec();

  // spec: sizes, names and limits
  {
    const bool ok = spec.id == id && spec.observation.Dim() > 0 && spec.action.Dim() > 0 &&
                    spec.NumSummedTerms() > 0 && spec.num_aux_terms >= 0 &&
                    spec.max_episode_steps > 0 && !spec.state_names.empty() && spec.dt >= 0 &&
                    (spec.action.IsDiscrete()
                         ? spec.action.n > 0
                         : (spec.action.low.array() <= spec.action.high.array()).all() &&
                               spec.action.low.allFinite() && spec.action.high.allFinite());
    report("spec", ok,
           "obs " + spec.observation.ToString() + ", action " + spec.action.ToString() + ", " +
               std::to_string(spec.reward_terms.size()) + " reward terms, limit " +
               std::to_string(spec.max_episode_steps));
  }

  // stepping: spaces, finiteness, reward == sum of terms, flags and time limit
  {
    env->SetRng(Rng(check.seed, RngStream::kEnv, 0));
    Rng actions(check.seed, RngStream::kCli, 0);
    StepResult r;
    env->ResizeFor(r);
    Vec obs(spec.observation.Dim());
    env->Reset(obs);
    std::string space_err, finite_err, sum_err, flag_err;
    if (!InObservationSpace(spec.observation, obs)) space_err = "reset obs " + VecText(obs);
    int episodes = 0, truncations = 0;
    for (int i = 0; i < check.steps; ++i) {
      env->Step(SampleAction(spec.action, actions), r);
      if (space_err.empty() && !InObservationSpace(spec.observation, r.obs)) {
        space_err = "step " + std::to_string(i) + " obs " + VecText(r.obs);
      }
      if (finite_err.empty() && !(std::isfinite(r.reward) && r.terms.allFinite())) {
        finite_err = "step " + std::to_string(i) + " reward " + std::to_string(r.reward);
      }
      double sum = 0.0;
      for (int k = 0; k < spec.NumSummedTerms(); ++k) sum += r.terms[k];
      if (sum_err.empty() &&
          (sum != r.reward || r.terms.size() != static_cast<int>(spec.reward_terms.size()))) {
        sum_err = "step " + std::to_string(i) + ": reward " + std::to_string(r.reward) +
                  " != sum " + std::to_string(sum);
      }
      const bool at_limit = env->ElapsedSteps() >= spec.max_episode_steps;
      if (flag_err.empty() && r.truncated != at_limit) {
        flag_err = "step " + std::to_string(i) + ": truncated=" + std::to_string(r.truncated) +
                   " at episode step " + std::to_string(env->ElapsedSteps());
      }
      if (r.terminated || r.truncated) {
        ++episodes;
        truncations += r.truncated;
        env->Reset(obs);
        if (space_err.empty() && !InObservationSpace(spec.observation, obs))
          space_err = "reset obs " + VecText(obs);
      }
    }
    const std::string steps = std::to_string(check.steps) + " random steps";
    report("spaces", space_err.empty(),
           space_err.empty() ? "observations in " + spec.observation.ToString() + " over " + steps
                             : space_err);
    report("finite", finite_err.empty(),
           finite_err.empty() ? "rewards and terms finite over " + steps : finite_err);
    report("reward-sum", sum_err.empty(),
           sum_err.empty() ? "reward == sum of terms (" + std::to_string(spec.NumSummedTerms()) +
                                 ") on every step"
                           : sum_err);
    report("time-limit", flag_err.empty(),
           flag_err.empty()
               ? std::to_string(episodes) + " episodes, " + std::to_string(truncations) +
                     " truncated exactly at " + std::to_string(spec.max_episode_steps) + " steps"
               : flag_err);
  }

  // a short limit: every episode ends by termination before it or truncation exactly at it
  {
    std::unique_ptr<Env> short_env = entry.make(options, "env.options");
    const int limit = 5;
    short_env->SetMaxEpisodeSteps(limit);
    Trace t = Run(*short_env, check.seed, 200);
    bool ok = true;
    int length = 0;
    for (size_t i = 0; i < t.flags.size() && ok; ++i) {
      ++length;
      const bool terminated = t.flags[i] & 1, truncated = t.flags[i] & 2;
      ok = truncated == (length == limit) && length <= limit;
      if (terminated || truncated) length = 0;
    }
    report("truncation", ok,
           ok ? "truncated && !terminated-by-limit at max_episode_steps=5"
              : "flags wrong at a limit of 5");
  }

  // determinism: the same seed gives the same trajectory, another seed a different one
  {
    std::unique_ptr<Env> a = entry.make(options, "env.options"),
                         b = entry.make(options, "env.options");
    Trace ta = Run(*a, check.seed, 300), tb = Run(*b, check.seed, 300);
    bool same = ta.rewards == tb.rewards && ta.flags == tb.flags && ta.obs.size() == tb.obs.size();
    for (size_t i = 0; same && i < ta.obs.size(); ++i) same = ta.obs[i] == tb.obs[i];
    report("determinism", same,
           same ? "same seed, same 300-step trajectory" : "two runs with one seed differ");
  }

  // reset from an explicit state reproduces the observation of the sampled one
  {
    std::unique_ptr<Env> a = entry.make(options, "env.options");
    a->SetRng(Rng(check.seed, RngStream::kEnv, 1));
    Vec o1(spec.observation.Dim()), o2(spec.observation.Dim());
    a->Reset(o1);
    ResetOptions ro;
    ro.init_state = a->PhysicalState();
    a->Reset(o2, ro);
    const bool ok = o1 == o2 && a->PhysicalState() == *ro.init_state;
    report("init-state", ok,
           ok ? "Reset(init_state = sampled state) gives the same observation"
              : "explicit reset differs");
  }

  // vectorised: threaded stepping is bit-identical to serial stepping
  {
    EnvConfig ec;
    ec.id = id;
    ec.options = options;
    ec.num_envs = 4;
    ec.threads = 1;
    auto serial = MakeVecEnv(ec, check.seed);
    ec.threads = 2;
    auto threaded = MakeVecEnv(ec, check.seed);
    Mat o1, o2;
    serial->Reset(o1);
    threaded->Reset(o2);
    VecStep s1, s2;
    serial->ResizeFor(s1);
    threaded->ResizeFor(s2);
    Rng actions(check.seed, RngStream::kCli, 2);
    Mat act(spec.action.Dim(), ec.num_envs);
    bool same = o1 == o2;
    for (int i = 0; i < 300 && same; ++i) {
      for (int k = 0; k < ec.num_envs; ++k) act.col(k) = SampleAction(spec.action, actions);
      serial->Step(act, s1);
      threaded->Step(act, s2);
      same = s1.obs == s2.obs && s1.final_obs == s2.final_obs && s1.reward == s2.reward &&
             s1.terminated == s2.terminated && s1.truncated == s2.truncated;
    }
    report(
        "vec-threads", same,
        same ? "4 envs on 2 threads == serial, 300 steps" : "threaded VecEnv differs from serial");
  }
  return out;
}

}  // namespace rl
