// MuJoCo envs: assets, spaces, reward terms, termination rules, v4 quirks and divergence.
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <memory>
#include <string>

#include "core/rng.h"
#include "envs/mujoco/ant.h"
#include "envs/mujoco/hopper.h"
#include "envs/mujoco/inverted_pendulum.h"
#include "envs/mujoco/reacher.h"
#include "envs/mujoco/walker2d.h"
#include "envs/registry.h"

namespace rl {
namespace {

// Every MJCF asset in envs/mujoco/assets/ (the folder is the list).
std::vector<std::string> Assets() {
  const std::vector<std::string> names = MujocoAssetNames();
  REQUIRE(names.size() >= 8);
  return names;
}

// Fails the test if MuJoCo raised a warning while it was alive.
class NoWarnings {
 public:
  NoWarnings() : start_(MujocoWarningCount()) { InstallMujocoHandlers(); }
  ~NoWarnings() { CHECK(MujocoWarningCount() == start_); }

 private:
  int64_t start_;
};

// A built env with its step buffers.
struct Run {
  explicit Run(const std::string& id, uint64_t seed = 0) : env(MakeEnv(id)) {
    env->Seed(seed);
    env->ResizeFor(r);
    obs.resize(env->Spec().observation.Dim());
    env->Reset(obs);
  }
  // Resets to qpos then qvel.
  void ResetTo(const Vec& state) {
    ResetOptions o;
    o.init_state = state;
    env->Reset(obs, o);
  }
  // Steps with a constant action `a` in every component.
  void Step(double a = 0.0) { env->Step(Vec::Constant(env->Spec().action.Dim(), a), r); }
  MujocoEnv& Mj() { return dynamic_cast<MujocoEnv&>(*env); }

  std::unique_ptr<Env> env;
  StepResult r;
  Vec obs;
};

// qpos then qvel with the given qpos and zero velocity.
Vec StateOf(const Vec& qpos, int nv) {
  Vec s = Vec::Zero(qpos.size() + nv);
  s.head(qpos.size()) = qpos;
  return s;
}

TEST_CASE("every MuJoCo asset loads and steps without a warning", "[unit]") {
  NoWarnings guard;
  for (const std::string& name : Assets()) {
    INFO(name);
    Physics p(name);
    for (int i = 0; i < 50; ++i) REQUIRE(p.Step(Vec::Zero(p.Nu()), 2));
    CHECK(p.Divergences() == 0);
  }
}

TEST_CASE("every asset's constraint buffers hold 4x what stress rollouts use", "[unit]") {
  // random controls from the initial pose and, every other episode, from random velocities
  NoWarnings guard;
  for (const std::string& name : Assets()) {
    INFO(name);
    Physics p(name);
    const mjModel* m = p.Model();
    const Space space = p.ActionSpace();
    Rng rng(7);
    int max_efc = 0, max_con = 0;
    for (int episode = 0; episode < 6; ++episode) {
      Vec qvel = Vec::Zero(p.Nv());
      if (episode % 2) {
        for (int i = 0; i < p.Nv(); ++i) qvel[i] = rng.Normal();
      }
      p.SetState(Eigen::Map<const Vec>(m->qpos0, m->nq), qvel);
      for (int t = 0; t < 400; ++t) {
        Vec ctrl(p.Nu());
        for (int i = 0; i < p.Nu(); ++i) ctrl[i] = rng.Uniform(space.low[i], space.high[i]);
        REQUIRE(p.Step(ctrl, 1));
        max_efc = std::max(max_efc, p.Data()->nefc);
        max_con = std::max(max_con, p.Data()->ncon);
      }
    }
    CHECK(4 * max_efc <= m->njmax);
    CHECK(4 * max_con <= m->nconmax);
    // every reset clears the whole buffer: it stays far below the defaults' 3 MB
    CHECK(p.Data()->nbuffer < (1 << 20));
  }
}

TEST_CASE("a full constraint buffer truncates the step as a divergence", "[unit]") {
  // Hopper with room for one constraint row: it overflows once it falls onto the floor
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("rewardlab_njmax_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::string xml;
  {
    std::ifstream in(std::string(REWARDLAB_SOURCE_DIR) + "/envs/mujoco/assets/hopper.xml");
    xml.assign(std::istreambuf_iterator<char>(in), {});
  }
  const std::string size = "<size njmax=\"150\" nconmax=\"40\"/>";
  REQUIRE(xml.find(size) != std::string::npos);
  xml.replace(xml.find(size), size.size(), "<size njmax=\"1\" nconmax=\"40\"/>");
  std::ofstream(dir / "tiny_hopper.xml") << xml;
  setenv("REWARDLAB_ASSET_DIR", dir.c_str(), 1);
  Physics p("tiny_hopper");
  unsetenv("REWARDLAB_ASSET_DIR");
  std::filesystem::remove_all(dir);

  const int64_t warnings = MujocoWarningCount();
  bool diverged = false;
  for (int t = 0; t < 2000 && !diverged; ++t) diverged = !p.Step(Vec::Zero(p.Nu()), 4);
  CHECK(diverged);
  CHECK(p.Divergences() == 1);
  CHECK(MujocoWarningCount() > warnings);
}

TEST_CASE("MuJoCo spaces, dt and limits follow the v4 table", "[unit]") {
  NoWarnings guard;
  struct Row {
    const char* id;
    int obs, act;
    double dt;
    int steps;
  };
  for (const Row& row :
       {Row{"Hopper-v4", 11, 3, 0.008, 1000}, Row{"Walker2d-v4", 17, 6, 0.008, 1000},
        Row{"HalfCheetah-v4", 17, 6, 0.05, 1000}, Row{"Ant-v4", 27, 8, 0.05, 1000},
        Row{"InvertedPendulum-v4", 4, 1, 0.04, 1000},
        Row{"InvertedDoublePendulum-v4", 11, 1, 0.05, 1000}, Row{"Reacher-v4", 11, 2, 0.02, 50},
        Row{"Swimmer-v4", 8, 2, 0.04, 1000}, Row{"seals/Hopper-v1", 12, 3, 0.008, 1000},
        Row{"seals/Walker2d-v1", 18, 6, 0.008, 1000},
        Row{"seals/HalfCheetah-v1", 18, 6, 0.05, 1000}, Row{"seals/Ant-v1", 29, 8, 0.05, 1000},
        Row{"seals/Swimmer-v1", 10, 2, 0.04, 1000}}) {
    INFO(row.id);
    const std::unique_ptr<Env> env = MakeEnv(row.id);
    const EnvSpec& spec = env->Spec();
    CHECK(spec.observation.Dim() == row.obs);
    CHECK(spec.action.Dim() == row.act);
    CHECK(spec.dt == Approx(row.dt).epsilon(1e-12));
    CHECK(spec.max_episode_steps == row.steps);
  }
  CHECK(MakeEnv("InvertedPendulum-v4")->Spec().action.high[0] == 3.0);
  AntConfig contact;
  contact.use_contact_forces = true;
  CHECK(Ant(contact).Spec().observation.Dim() == 111);
}

TEST_CASE("planar forward term is dx/dt from qpos and reward sums the terms", "[unit]") {
  NoWarnings guard;
  for (const char* id : {"Hopper-v4", "HalfCheetah-v4", "Walker2d-v4", "Swimmer-v4"}) {
    INFO(id);
    Run run(id, 3);
    for (int i = 0; i < 5; ++i) {
      const double x0 = run.env->PhysicalState()[0];
      run.Step(0.5);
      const double x1 = run.env->PhysicalState()[0];
      CHECK(run.r.terms[0] == (x1 - x0) / run.env->Spec().dt);
      CHECK(run.r.reward == run.r.terms.sum());
      CHECK_FALSE(run.r.truncated);
    }
  }
}

TEST_CASE("Ant's forward term uses the torso's lagged xpos", "[unit]") {
  NoWarnings guard;
  Run run("Ant-v4", 2);
  Ant& ant = dynamic_cast<Ant&>(*run.env);
  const mjData* d = ant.GetPhysics().Data();
  const double x0 = d->xpos[3 * ant.TorsoId()];
  run.Step(0.3);
  const double x1 = d->xpos[3 * ant.TorsoId()];
  CHECK(run.r.terms[0] == (x1 - x0) / run.env->Spec().dt);
  CHECK(x1 != run.env->PhysicalState()[0]);  // xpos lags qpos by one substep
  CHECK(run.r.terms[2] == Approx(-0.5 * 8 * 0.09));
}

TEST_CASE("Hopper health uses strict inequalities", "[unit]") {
  NoWarnings guard;
  Hopper hopper;
  Vec obs(11);
  auto healthy_at = [&](double z, double angle) {
    Vec qpos(6);
    qpos << 0, z, angle, 0, 0, 0;
    ResetOptions o;
    o.init_state = StateOf(qpos, 6);
    hopper.Reset(obs, o);
    return hopper.IsHealthy();
  };
  CHECK(healthy_at(1.25, 0.0));
  CHECK_FALSE(healthy_at(0.7, 0.0));
  CHECK(healthy_at(0.7000001, 0.0));
  CHECK_FALSE(healthy_at(1.25, 0.2));
  CHECK_FALSE(healthy_at(1.25, -0.2));
  CHECK(healthy_at(1.25, 0.1999));
}

TEST_CASE("Walker2d health is 0.8 < z < 2 and -1 < angle < 1", "[unit]") {
  NoWarnings guard;
  Walker2d walker;
  Vec obs(17);
  auto healthy_at = [&](double z, double angle) {
    Vec qpos = Vec::Zero(9);
    qpos[1] = z;
    qpos[2] = angle;
    ResetOptions o;
    o.init_state = StateOf(qpos, 9);
    walker.Reset(obs, o);
    return walker.IsHealthy();
  };
  CHECK(healthy_at(1.25, 0.0));
  CHECK_FALSE(healthy_at(0.8, 0.0));
  CHECK_FALSE(healthy_at(2.0, 0.0));
  CHECK(healthy_at(1.9999, 0.9999));
  CHECK_FALSE(healthy_at(1.25, 1.0));
  CHECK_FALSE(healthy_at(1.25, -1.0));
}

TEST_CASE("Ant health is 0.2 <= z <= 1 (inclusive)", "[unit]") {
  NoWarnings guard;
  Ant ant;
  Vec obs(27);
  auto healthy_at = [&](double z) {
    Vec qpos = Vec::Zero(15);
    qpos[2] = z;
    qpos[3] = 1.0;
    ResetOptions o;
    o.init_state = StateOf(qpos, 14);
    ant.Reset(obs, o);
    return ant.IsHealthy();
  };
  CHECK(healthy_at(0.2));
  CHECK(healthy_at(1.0));
  CHECK_FALSE(healthy_at(0.1999999));
  CHECK_FALSE(healthy_at(1.0000001));
}

TEST_CASE("the v4 healthy bonus is paid on the failing step; seals never terminates", "[unit]") {
  NoWarnings guard;
  Vec qpos(6);
  qpos << 0, 1.25, 0.5, 0, 0, 0;  // tilted past the angle limit
  Run v4("Hopper-v4");
  v4.ResetTo(StateOf(qpos, 6));
  v4.Step();
  CHECK(v4.r.terminated);
  CHECK_FALSE(v4.r.truncated);
  CHECK(v4.r.terms[1] == 1.0);

  Vec state = Vec::Zero(12);
  state.head(6) = qpos;
  Run seals("seals/Hopper-v1");
  seals.ResetTo(state);
  seals.Step();
  CHECK_FALSE(seals.r.terminated);
  CHECK(seals.r.terms[1] == 0.0);
  CHECK(seals.r.obs[0] == seals.env->PhysicalState()[0]);  // x is observed
}

TEST_CASE("InvertedPendulum terminates once |angle| > 0.2, paying +1", "[unit]") {
  NoWarnings guard;
  Run run("InvertedPendulum-v4");
  run.ResetTo(Vec::Zero(4));
  run.Step();
  CHECK_FALSE(run.r.terminated);
  Vec tilted = Vec::Zero(4);
  tilted[1] = 0.3;
  run.ResetTo(tilted);
  run.Step();
  CHECK(run.r.terminated);
  CHECK(run.r.reward == 1.0);
}

TEST_CASE("Reacher-v4's reward uses the pre-step state", "[unit]") {
  NoWarnings guard;
  Run run("Reacher-v4", 5);
  Reacher& reacher = dynamic_cast<Reacher&>(*run.env);
  const double before = reacher.FingertipToTarget().norm();
  CHECK(run.obs.tail(3) == reacher.FingertipToTarget());
  run.Step(1.0);
  CHECK(run.r.terms[0] == -before);
  CHECK(run.r.terms[1] == -2.0);
  CHECK(reacher.FingertipToTarget().norm() != before);
  CHECK(run.obs[10] == 0.0);
}

TEST_CASE("MuJoCo envs are deterministic for a seed", "[unit]") {
  NoWarnings guard;
  Run a("Walker2d-v4", 11), b("Walker2d-v4", 11), c("Walker2d-v4", 12);
  CHECK(a.obs == b.obs);
  CHECK(a.obs != c.obs);
  for (int i = 0; i < 10; ++i) {
    a.Step(0.2);
    b.Step(0.2);
    CHECK(a.r.obs == b.r.obs);
    CHECK(a.r.reward == b.r.reward);
  }
}

// A restored snapshot continues exactly as the env it was taken from. Ant's free joint matters:
// every mj_forward renormalises its quaternion in qpos in place, and renormalising twice can move
// the last bits, so a restore that kept the mj_forward-normalised qpos differed on the first step
// after some restore point for every seed here of both Ant ids (Hopper, without quaternions, not).
TEST_CASE("a MuJoCo snapshot restored into a fresh env continues bit-identically", "[unit]") {
  NoWarnings guard;
  for (const std::string id : {"Ant-v4", "seals/Ant-v1", "Hopper-v4"}) {
    for (uint64_t seed = 0; seed < 6; ++seed) {
      INFO(id << " seed " << seed);
      Run a(id, seed);
      Rng actions(1000 + seed);
      const Space& space = a.env->Spec().action;
      std::unique_ptr<Env> b;  // restored from `a` every 10 steps, then stepped alongside it
      StepResult rb;
      Vec obs_b(a.obs.size());
      Vec current = a.obs;  // the observation `a` stands at
      int compared = 0;
      for (int t = 0; t < 200; ++t) {
        if (t % 10 == 5) {
          b = MakeEnv(id);
          b->ResizeFor(rb);
          b->RestoreState(a.env->SnapshotState(), a.env->ElapsedSteps(), a.env->GetRng(), obs_b);
          REQUIRE(b->SnapshotState() == a.env->SnapshotState());
          REQUIRE(obs_b == current);
        }
        Vec action(space.Dim());
        for (int i = 0; i < space.Dim(); ++i) {
          action[i] = actions.Uniform(space.low[i], space.high[i]);
        }
        a.env->Step(action, a.r);
        current = a.r.obs;
        if (b) {
          b->Step(action, rb);
          REQUIRE(rb.obs == a.r.obs);
          REQUIRE(rb.reward == a.r.reward);
          REQUIRE(rb.terms == a.r.terms);
          REQUIRE(rb.terminated == a.r.terminated);
          REQUIRE(rb.truncated == a.r.truncated);
          REQUIRE(b->SnapshotState() == a.env->SnapshotState());
          ++compared;
        }
        if (a.r.terminated || a.r.truncated) {
          a.env->Reset(a.obs);
          current = a.obs;
          b.reset();
        }
      }
      CHECK(compared > 100);
    }
  }
}

TEST_CASE("a diverging step is truncated with a finite observation", "[unit]") {
  Run run("Hopper-v4");
  Vec state = Vec::Zero(12);
  state.head(6) << 0, 1.25, 0, 0, 0, 0;
  state[6] = 1e11;  // past MuJoCo's mjMAXVAL: mj_step warns (BADQVEL) and resets
  const int64_t warnings = MujocoWarningCount();
  run.ResetTo(state);
  REQUIRE_NOTHROW(run.Step(0.5));
  CHECK(run.r.truncated);
  CHECK_FALSE(run.r.terminated);
  CHECK(run.r.obs.allFinite());
  CHECK(run.r.reward == 0.0);
  CHECK(run.Mj().Divergences() == 1);
  CHECK(MujocoWarningCount() > warnings);
  CHECK(run.env->PhysicalState() == state);  // the pre-step state is kept

  // a NaN velocity written into the data is caught the same way
  run.env->Reset(run.obs);
  run.Mj().GetPhysics().Data()->qvel[3] = std::numeric_limits<double>::quiet_NaN();
  run.Step(0.0);
  CHECK(run.r.truncated);
  CHECK(run.Mj().Divergences() == 2);
}

TEST_CASE("MuJoCo errors throw UserError instead of exiting", "[unit]") {
  InstallMujocoHandlers();
  CHECK_THROWS_AS(mju_error("forced"), UserError);
  CHECK_THROWS_AS(LoadMujocoModel("no_such_asset"), UserError);
}

TEST_CASE("REWARDLAB_ASSET_DIR moves the asset folder", "[unit]") {
  // a copy of one asset under another name loads from there; a missing one names the folder
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("rewardlab_assets_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::filesystem::copy_file(
      std::string(REWARDLAB_SOURCE_DIR) + "/envs/mujoco/assets/inverted_pendulum.xml",
      dir / "moved_pendulum.xml", std::filesystem::copy_options::overwrite_existing);
  setenv("REWARDLAB_ASSET_DIR", dir.c_str(), 1);
  const auto model = LoadMujocoModel("moved_pendulum");
  std::string error;
  try {
    LoadMujocoModel("inverted_double_pendulum_missing");
  } catch (const UserError& e) {
    error = e.what();
  }
  unsetenv("REWARDLAB_ASSET_DIR");
  std::filesystem::remove_all(dir);
  CHECK(model->nq == 2);
  CHECK(error.find(dir.string()) != std::string::npos);
  CHECK(error.find("REWARDLAB_ASSET_DIR") != std::string::npos);
}

}  // namespace
}  // namespace rl
