// Checkpoint I/O for the nn building blocks: networks, Adam moments and running statistics.
#ifndef REWARDLAB_NN_SERIALIZE_H_
#define REWARDLAB_NN_SERIALIZE_H_

#include <string_view>

#include "core/h5.h"
#include "nn/adam.h"
#include "nn/mlp.h"
#include "nn/running_stats.h"

namespace rl::nn {

// Writes a network's parameters as dataset `name` (and a spectrally normalised one's u, v vectors
// as `name`_spectral_uv).
void Save(const h5::Group& g, std::string_view name, const Mlp& net);
// Restores parameters written by Save; throws UserError when the sizes differ.
void Load(const h5::Group& g, std::string_view name, Mlp& net);
// Writes Adam's moments and step count under group `name`.
void Save(const h5::Group& g, std::string_view name, const Adam& opt);
// Restores Adam's moments and step count.
void Load(const h5::Group& g, std::string_view name, Adam& opt);
// Writes running mean, variance and count under group `name`.
void Save(const h5::Group& g, std::string_view name, const RunningMeanStd& stats);
// Restores running statistics.
void Load(const h5::Group& g, std::string_view name, RunningMeanStd& stats);
// Writes a trained model under g: its network ("net"), optimiser ("adam") and input statistics
// ("input_stats").
void SaveModel(const h5::Group& g, const Mlp& net, const Adam& opt, const RunningMeanStd& stats);
// Restores what SaveModel wrote; throws UserError when the sizes differ.
void LoadModel(const h5::Group& g, Mlp& net, Adam& opt, RunningMeanStd& stats);

}  // namespace rl::nn

#endif  // REWARDLAB_NN_SERIALIZE_H_
