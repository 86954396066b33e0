#include "rewards/heron/preference_model.h"

#include <cmath>
#include <limits>
#include <string>

#include "core/checkpoint.h"
#include "core/error.h"
#include "nn/serialize.h"

namespace rl::heron {
namespace {

// log(1 + e^x) without overflow.
double Softplus(double x) { return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x)); }

}  // namespace

ItemPool::ItemPool(int capacity, int max_length, int in_dim, int num_factors)
    : capacity_(capacity),
      max_length_(max_length),
      x_(Eigen::MatrixXf::Zero(in_dim, static_cast<Eigen::Index>(capacity) * max_length)),
      z_(Eigen::MatrixXf::Zero(num_factors, capacity)),
      length_(capacity, 0) {}

void ItemPool::Add(const Eigen::Ref<const Eigen::MatrixXf>& x,
                   const Eigen::Ref<const Eigen::VectorXf>& z) {
  const int len = static_cast<int>(x.cols());
  x_.middleCols(static_cast<Eigen::Index>(next_) * max_length_, len) = x;
  z_.col(next_) = z;
  length_[next_] = len;
  next_ = (next_ + 1) % capacity_;
  if (size_ < capacity_) ++size_;
}

void ItemPool::Save(const h5::Group& g) const {
  // every slot's columns (unused ones are zero) and lengths, with the ring position
  std::vector<int64_t> length(length_.begin(), length_.end());
  g.Write<int64_t>("length", length);
  g.WriteIntAttr("next", next_);
  g.WriteIntAttr("size", size_);
  ckpt::Write(g, "factors", z_);
  ckpt::Write(g, "inputs", x_);
}

void ItemPool::Load(const h5::Group& g) {
  Eigen::MatrixXf x, z;
  ckpt::Read(g, "inputs", x);
  ckpt::Read(g, "factors", z);
  const std::vector<int64_t> length = g.Read<int64_t>("length");
  if (x.rows() != x_.rows() || x.cols() != x_.cols() || z.rows() != z_.rows() ||
      z.cols() != z_.cols() || static_cast<int>(length.size()) != capacity_) {
    throw UserError("the checkpoint's HERON item pool has another shape (inputs " +
                    std::to_string(x.rows()) + "x" + std::to_string(x.cols()) + ", expected " +
                    std::to_string(x_.rows()) + "x" + std::to_string(x_.cols()) +
                    "); resume with the config the run was started with");
  }
  x_ = x;
  z_ = z;
  length_.assign(length.begin(), length.end());
  next_ = static_cast<int>(g.ReadIntAttr("next"));
  size_ = static_cast<int>(g.ReadIntAttr("size"));
}

PreferenceModel::PreferenceModel(int in_dim, const std::vector<int>& hidden, double lr, Rng& rng)
    : net_(nn::LayerSizes(in_dim, hidden, 1), nn::Activation::kRelu, 1.0f, rng),
      adam_(net_.NumParams(), nn::AdamOptions{.lr = lr}),
      input_stats_(in_dim, 1e-4, 5.0),
      grad_(net_.NumParams()) {}

void PreferenceModel::Evaluate(const Eigen::Ref<const Eigen::MatrixXf>& x,
                               Eigen::Ref<Eigen::VectorXf> out) const {
  xn_.resize(x.rows(), x.cols());
  input_stats_.Normalize(x, xn_);
  net_.Forward(xn_, y_);
  out = y_.row(0).transpose();
}

void PreferenceModel::ForwardPairs(const ItemPool& pool, std::span<const Preference> prefs) {
  // gather winner then loser columns of every pair, normalised
  Eigen::Index cols = 0;
  for (const Preference& p : prefs) cols += pool.Length(p.winner) + pool.Length(p.loser);
  gathered_.resize(pool.Inputs(0).rows(), cols);
  Eigen::Index c = 0;
  for (const Preference& p : prefs) {
    for (const int slot : {p.winner, p.loser}) {
      gathered_.middleCols(c, pool.Length(slot)) = pool.Inputs(slot);
      c += pool.Length(slot);
    }
  }
  input_stats_.Normalize(gathered_, gathered_);
  net_.Forward(gathered_, cache_);

  // item sums
  const Eigen::MatrixXf& y = cache_.Output();
  const int n = static_cast<int>(prefs.size());
  r_w_.resize(n);
  r_l_.resize(n);
  c = 0;
  for (int i = 0; i < n; ++i) {
    const int lw = pool.Length(prefs[i].winner), ll = pool.Length(prefs[i].loser);
    r_w_[i] = y.middleCols(c, lw).sum();
    r_l_[i] = y.middleCols(c + lw, ll).sum();
    c += lw + ll;
  }
}

double PreferenceModel::Loss(const ItemPool& pool, std::span<const Preference> prefs,
                             Eigen::VectorXf* grad) {
  if (prefs.empty()) return std::numeric_limits<double>::quiet_NaN();
  ForwardPairs(pool, prefs);
  const int n = static_cast<int>(prefs.size());

  // L = mean softplus(-(R_w - R_l)); dL/dR_w = -σ(-(R_w - R_l)) / n = -dL/dR_l
  double loss = 0.0;
  dy_.resize(1, cache_.Output().cols());
  Eigen::Index c = 0;
  for (int i = 0; i < n; ++i) {
    const double d = static_cast<double>(r_w_[i]) - r_l_[i];
    loss += Softplus(-d);
    const float g = static_cast<float>(-1.0 / (1.0 + std::exp(d)) / n);
    const int lw = pool.Length(prefs[i].winner), ll = pool.Length(prefs[i].loser);
    dy_.middleCols(c, lw).setConstant(g);
    dy_.middleCols(c + lw, ll).setConstant(-g);
    c += lw + ll;
  }
  if (grad) net_.Backward(cache_, dy_, *grad);
  return loss / n;
}

double PreferenceModel::Step(const ItemPool& pool, std::span<const Preference> prefs) {
  grad_.setZero();
  const double loss = Loss(pool, prefs, &grad_);
  if (!prefs.empty()) adam_.Step(net_.Params(), grad_);
  return loss;
}

double PreferenceModel::Accuracy(const ItemPool& pool, std::span<const Preference> prefs) {
  if (prefs.empty()) return std::numeric_limits<double>::quiet_NaN();
  ForwardPairs(pool, prefs);
  return static_cast<double>((r_w_.array() > r_l_.array()).count()) / prefs.size();
}

void PreferenceModel::Save(const h5::Group& g) const {
  nn::SaveModel(g, net_, adam_, input_stats_);
}

void PreferenceModel::Load(const h5::Group& g) { nn::LoadModel(g, net_, adam_, input_stats_); }

}  // namespace rl::heron
