// The pieces HERON learns with (algorithms.md §3.3): a pool of compared items (transitions or
// segments: their raw model inputs and summed factors) and the reward model R_ψ trained on labelled
// pairs with the Bradley–Terry loss
//   L(ψ) = −(1/|P|) Σ_{(w ≻ l) ∈ P} log σ(R_ψ(w) − R_ψ(l)),   R_ψ(item) = Σ_{t ∈ item} f_ψ(x_t),
// where f_ψ is an MLP on running-normalised inputs x_t.
#ifndef REWARDLAB_REWARDS_HERON_PREFERENCE_MODEL_H_
#define REWARDLAB_REWARDS_HERON_PREFERENCE_MODEL_H_

#include <Eigen/Dense>
#include <span>
#include <vector>

#include "core/h5.h"
#include "core/rng.h"
#include "nn/adam.h"
#include "nn/mlp.h"
#include "nn/running_stats.h"
#include "rewards/heron/preferences.h"

namespace rl::heron {

// A ring of the newest `capacity` items, each up to `max_length` transitions long.
class ItemPool {
 public:
  // Room for `capacity` items of at most `max_length` columns of `in_dim` inputs, `num_factors`
  // factors each.
  ItemPool(int capacity, int max_length, int in_dim, int num_factors);

  // Appends an item (replacing the oldest when full): raw inputs x (in_dim x len, 1 <= len <=
  // max_length) and its summed factors z (num_factors).
  void Add(const Eigen::Ref<const Eigen::MatrixXf>& x, const Eigen::Ref<const Eigen::VectorXf>& z);
  // Items stored.
  int Size() const { return size_; }
  // Storage slot of logical item i (0 = oldest, Size() - 1 = newest).
  int Slot(int i) const { return (next_ - size_ + i + 2 * capacity_) % capacity_; }
  // Raw inputs of the item in `slot` (in_dim x its length).
  auto Inputs(int slot) const {
    return x_.middleCols(static_cast<Eigen::Index>(slot) * max_length_, length_[slot]);
  }
  // Transitions in the item in `slot`.
  int Length(int slot) const { return length_[slot]; }
  // Summed factors of every slot (num_factors x capacity).
  const Eigen::MatrixXf& Factors() const { return z_; }

  // Writes the items and the ring position.
  void Save(const h5::Group& g) const;
  // Restores what Save wrote; throws UserError when the shapes differ.
  void Load(const h5::Group& g);

 private:
  int capacity_, max_length_;
  Eigen::MatrixXf x_;        // (in_dim x capacity * max_length)
  Eigen::MatrixXf z_;        // (num_factors x capacity)
  std::vector<int> length_;  // (capacity)
  int next_ = 0;             // slot the next item goes to
  int size_ = 0;
};

// R_ψ: an MLP f_ψ with running input normalisation, trained by Adam on the Bradley–Terry loss.
class PreferenceModel {
 public:
  // f_ψ: in_dim -> hidden... -> 1 (ReLU), weights drawn from `rng`, Adam at `lr`.
  PreferenceModel(int in_dim, const std::vector<int>& hidden, double lr, Rng& rng);

  // Merges raw inputs (in_dim x B) into the input statistics.
  void UpdateInputs(const Eigen::Ref<const Eigen::MatrixXf>& x) { input_stats_.Update(x); }
  // f_ψ of each raw input column (in_dim x B) into out (B); not thread-safe.
  void Evaluate(const Eigen::Ref<const Eigen::MatrixXf>& x, Eigen::Ref<Eigen::VectorXf> out) const;
  // The mean Bradley–Terry loss of `prefs` (pool slots); adds dL/dψ into grad when non-null.
  double Loss(const ItemPool& pool, std::span<const Preference> prefs, Eigen::VectorXf* grad);
  // One Adam step on the loss of `prefs`; returns the loss before the step.
  double Step(const ItemPool& pool, std::span<const Preference> prefs);
  // Fraction of `prefs` with R_ψ(winner) > R_ψ(loser); NaN when empty.
  double Accuracy(const ItemPool& pool, std::span<const Preference> prefs);
  // f_ψ's network (parameters, for tests).
  nn::Mlp& Net() { return net_; }

  // Writes the network, optimiser and input statistics.
  void Save(const h5::Group& g) const;
  // Restores what Save wrote.
  void Load(const h5::Group& g);

 private:
  // Item sums R_ψ of the winners and losers of `prefs` into r_w_, r_l_, with the training cache
  // of the gathered columns (winner's then loser's columns, pair by pair).
  void ForwardPairs(const ItemPool& pool, std::span<const Preference> prefs);

  nn::Mlp net_;
  nn::Adam adam_;
  nn::RunningMeanStd input_stats_;  // (in_dim)

  // scratch
  mutable Eigen::MatrixXf xn_, y_;  // (in_dim x B), (1 x B)
  Eigen::MatrixXf gathered_, dy_;   // (in_dim x cols), (1 x cols)
  Eigen::VectorXf r_w_, r_l_;       // (pairs)
  Eigen::VectorXf grad_;            // (params)
  nn::MlpCache cache_;
};

}  // namespace rl::heron

#endif  // REWARDLAB_REWARDS_HERON_PREFERENCE_MODEL_H_
