// Pessimistic reward preconditioning (algorithms.md §4.3–§4.4): the forward model's input-gradient
// norms against double-precision central differences in its standardised input space, its fit of
// a linear map, the excess penalty and ψ by hand, checkpoint round trips and gamma2c.
#include <catch2/catch.hpp>
#include <cmath>
#include <string>

#include "core/error.h"
#include "core/h5.h"
#include "core/rng.h"
#include "rewards/gail/forward_model.h"
#include "rewards/gail/preconditioner.h"
#include "tests/nn/grad_check.h"
#include "tests/support/temp_dir.h"

namespace rl {
namespace {

using Eigen::MatrixXd;
using Eigen::MatrixXf;
using Eigen::VectorXd;
using Eigen::VectorXf;
using gail::ForwardModel;
using gail::Preconditioner;
using gail::PreconditionerOptions;

constexpr int kObs = 3;
constexpr int kAct = 2;

// Synthetic transitions s' = A s + B a + c, s ~ N(2, 4²) per entry and a ~ U[-1, 1).
struct LinearData {
  MatrixXf s, a, next_s;  // (kObs x n), (kAct x n), (kObs x n)
};

LinearData MakeLinearData(int n, Rng& rng) {
  MatrixXf m(kObs, kObs + kAct);
  m << 0.9f, -0.2f, 0.1f, 0.5f, 0.0f,  //
      0.1f, 0.8f, 0.0f, -0.3f, 0.4f,   //
      -0.1f, 0.3f, 0.7f, 0.0f, 0.6f;
  const Eigen::Vector3f c(0.5f, -1.0f, 0.25f);
  LinearData d{MatrixXf(kObs, n), MatrixXf(kAct, n), MatrixXf(kObs, n)};
  for (int j = 0; j < n; ++j) {
    for (int i = 0; i < kObs; ++i) d.s(i, j) = static_cast<float>(2.0 + 4.0 * rng.Normal());
    for (int i = 0; i < kAct; ++i) d.a(i, j) = static_cast<float>(rng.Uniform(-1.0, 1.0));
  }
  d.next_s = (m.leftCols(kObs) * d.s + m.rightCols(kAct) * d.a).colwise() + c;
  return d;
}

TEST_CASE("forward model input-gradient norms match central differences in x̃",
          "[gail_precond][unit]") {
  Rng rng(7);
  ForwardModel model(kObs, kAct, 1e-3, rng);
  const LinearData d = MakeLinearData(64, rng);
  for (int t = 0; t < 20; ++t) model.Train(d.s, d.a, d.next_s);
  // the state features' σ ≈ 4, so a gradient taken in raw units would be off by that factor
  const VectorXd sigma = model.InputStats().Var().cwiseSqrt();
  REQUIRE(sigma.head(kObs).minCoeff() > 2.0);

  const int b = 6;
  VectorXf norms(b);
  model.InputGradNorms(d.s.leftCols(b), d.a.leftCols(b), norms);
  MatrixXf x_norm(kObs + kAct, b);
  model.Normalize(d.s.leftCols(b), d.a.leftCols(b), x_norm);
  const VectorXd params = model.Net().Params().cast<double>();
  for (int j = 0; j < b; ++j) {
    // Σ_i f_i at one standardised input, in double
    auto sum_out = [&](const VectorXd& x) {
      return nn::testing::ForwardDouble(model.Net(), params, x).sum();
    };
    const VectorXd fd = nn::testing::FiniteDiff(sum_out, x_norm.col(j).cast<double>(), 1e-5);
    INFO("column " << j << " analytic " << norms(j) << " fd " << fd.norm());
    CHECK(norms(j) == Approx(fd.norm()).epsilon(1e-3));
    CHECK(std::abs(norms(j) - fd.cwiseQuotient(sigma).norm()) > 0.1 * fd.norm());
  }
}

TEST_CASE("forward model learns a linear map", "[gail_precond][unit]") {
  Rng rng(11);
  ForwardModel model(kObs, kAct, 1e-3, rng);
  const LinearData d = MakeLinearData(64, rng);
  const double first = model.Train(d.s, d.a, d.next_s);
  double last = first;
  for (int t = 0; t < 400; ++t) last = model.Train(d.s, d.a, d.next_s);
  INFO("first " << first << " last " << last);
  CHECK(last < first / 10.0);

  // a fresh batch from the same map: it generalises, not only memorises
  const LinearData test = MakeLinearData(64, rng);
  MatrixXf pred(kObs, 64);
  model.Predict(test.s, test.a, pred);
  CHECK((pred - test.next_s).squaredNorm() / pred.size() < first / 10.0);
}

TEST_CASE("excess penalty and psi by hand", "[gail_precond][unit]") {
  VectorXf norms(4), g(4);
  norms << 0.5f, 1.0f, 2.0f, 4.0f;
  Preconditioner::Excess(norms, 1.0f, g);
  CHECK(g == (VectorXf(4) << 0.0f, 0.0f, 1.0f, 9.0f).finished());

  Preconditioner reward_mod;  // min_psi 0
  VectorXf probe(4), psi(4);
  probe << 0.0f, 0.1f, 1.0f, 2.0f;
  // ψ ≡ 1 before two batch means
  reward_mod.Psi(probe, psi);
  CHECK(psi == VectorXf::Ones(4));
  reward_mod.Observe((VectorXf(2) << 0.0f, 2.0f).finished());  // mean 1
  CHECK(reward_mod.Scale() == 0.0);
  reward_mod.Psi(probe, psi);
  CHECK(psi == VectorXf::Ones(4));

  // means {1, 3}: population std 1, so ψ = exp(−g)
  reward_mod.Observe((VectorXf(2) << 2.0f, 4.0f).finished());
  CHECK(reward_mod.Scale() == Approx(1.0));
  reward_mod.Psi(probe, psi);
  for (int i = 0; i < 4; ++i) CHECK(psi(i) == Approx(std::exp(-probe(i))));
  for (int i = 0; i + 1 < 4; ++i) CHECK(psi(i + 1) < psi(i));

  // const and deterministic: the same ψ twice, the window untouched
  VectorXf again(4);
  reward_mod.Psi(probe, again);
  CHECK(again == psi);
  CHECK(reward_mod.Means() == (VectorXd(2) << 1.0, 3.0).finished());

  // the dynamics variant clamps at 0.7; exp(−0.1) ≈ 0.905 passes through
  Preconditioner dyn_mod(PreconditionerOptions{.min_psi = gail::kDynamicsMinPsi});
  dyn_mod.Observe(VectorXf::Constant(3, 1.0f));
  dyn_mod.Observe(VectorXf::Constant(3, 3.0f));
  dyn_mod.Psi(probe, psi);
  CHECK(psi(0) == 1.0f);
  CHECK(psi(1) == Approx(std::exp(-0.1)));
  CHECK(psi(2) == Approx(0.7));
  CHECK(psi(3) == Approx(0.7));
  CHECK(psi.minCoeff() >= 0.7f);
  CHECK(psi.maxCoeff() <= 1.0f);
}

TEST_CASE("psi scale keeps the last 10 batch means and a floor", "[gail_precond][unit]") {
  Preconditioner p;
  for (int t = 0; t < 12; ++t) p.Observe(VectorXf::Constant(1, static_cast<float>(t)));
  // 2..11 held: std sqrt((10² − 1) / 12); 0..11 would give sqrt(143 / 12)
  CHECK(p.NumMeans() == 10);
  CHECK(p.Means()(0) == 2.0);
  CHECK(p.Scale() == Approx(std::sqrt(99.0 / 12.0)));

  // identical means: the scale is the floor, ψ(0) = 1 and ψ(g > 0) underflows to 0
  Preconditioner flat;
  flat.Observe(VectorXf::Constant(2, 5.0f));
  flat.Observe(VectorXf::Constant(2, 5.0f));
  CHECK(flat.Scale() == gail::kPsiScaleFloor);
  VectorXf psi(2);
  flat.Psi((VectorXf(2) << 0.0f, 1e-3f).finished(), psi);
  CHECK(psi(0) == 1.0f);
  CHECK(psi(1) == 0.0f);
  CHECK_THROWS_AS(Preconditioner(PreconditionerOptions{.min_psi = 1.5}), std::invalid_argument);
}

TEST_CASE("forward model and preconditioner checkpoints round trip", "[gail_precond][unit]") {
  Rng rng(3);
  const LinearData d = MakeLinearData(32, rng);
  ForwardModel one(kObs, kAct, 1e-3, rng);
  ForwardModel other(kObs, kAct, 1e-3, rng);
  for (int t = 0; t < 5; ++t) one.Train(d.s, d.a, d.next_s);
  Preconditioner p;
  for (int t = 0; t < 12; ++t) p.Observe(VectorXf::Constant(1, static_cast<float>(t * t)));

  testing::TempDir dir;
  const std::string path = (dir.Path() / "precond.h5").string();
  {
    h5::File f = h5::File::Create(path);
    one.Save(f.CreateGroup("forward"));
    p.Save(f.CreateGroup("psi"));
  }
  const h5::File f = h5::File::OpenReadOnly(path);
  MatrixXf pred_one(kObs, 32), pred_other(kObs, 32);
  one.Predict(d.s, d.a, pred_one);
  other.Predict(d.s, d.a, pred_other);
  CHECK(pred_one != pred_other);
  other.Load(f.OpenGroup("forward"));
  other.Predict(d.s, d.a, pred_other);
  CHECK(pred_one == pred_other);
  VectorXf n_one(32), n_other(32);
  one.InputGradNorms(d.s, d.a, n_one);
  other.InputGradNorms(d.s, d.a, n_other);
  CHECK(n_one == n_other);
  // the optimiser and statistics came back too: the next step agrees
  CHECK(one.Train(d.s, d.a, d.next_s) == other.Train(d.s, d.a, d.next_s));
  one.Predict(d.s, d.a, pred_one);
  other.Predict(d.s, d.a, pred_other);
  CHECK(pred_one == pred_other);

  Preconditioner q;
  q.Load(f.OpenGroup("psi"));
  CHECK(q.Means() == p.Means());
  p.Observe(VectorXf::Constant(1, 7.0f));
  q.Observe(VectorXf::Constant(1, 7.0f));
  CHECK(q.Means() == p.Means());
  CHECK(q.Scale() == p.Scale());
  Preconditioner short_window(PreconditionerOptions{.window = 4});
  CHECK_THROWS_AS(short_window.Load(f.OpenGroup("psi")), UserError);
}

TEST_CASE("gamma2c by hand", "[gail_precond][unit]") {
  CHECK(gail::Gamma2C(0.99, 2.0, 0.5) == Approx(0.9801 * 4.0));
  CHECK(gail::Gamma2C(0.99, 2.0, 3.0) == Approx(0.9801 * 4.0 * 9.0));
  CHECK(gail::Gamma2C(0.5, 1.0, 1.0) == Approx(0.25));
  CHECK(gail::Gamma2C(0.9, 0.0, 10.0) == 0.0);
}

}  // namespace
}  // namespace rl
