#include "nn/serialize.h"

#include <string>

#include "core/checkpoint.h"
#include "core/error.h"

namespace rl::nn {

namespace {

// Dataset of a spectrally normalised network's power-iteration vectors [u_0, v_0, u_1, v_1, ...].
std::string SpectralName(std::string_view name) { return std::string(name) + "_spectral_uv"; }

// Length of that dataset.
int SpectralLength(const Mlp& net) {
  int n = 0;
  for (int l = 0; l + 1 < net.NumLayers(); ++l) n += net.Sizes()[l + 1] + net.Sizes()[l];
  return n;
}

}  // namespace

void Save(const h5::Group& g, std::string_view name, const Mlp& net) {
  ckpt::Write(g, name, net.Params());
  if (!net.SpectralNorm()) return;
  Eigen::VectorXf uv(SpectralLength(net));
  int at = 0;
  for (int l = 0; l + 1 < net.NumLayers(); ++l) {
    uv.segment(at, net.Sizes()[l + 1]) = net.SpectralU(l);
    at += net.Sizes()[l + 1];
    uv.segment(at, net.Sizes()[l]) = net.SpectralV(l);
    at += net.Sizes()[l];
  }
  ckpt::Write(g, SpectralName(name), uv);
}

void Load(const h5::Group& g, std::string_view name, Mlp& net) {
  ckpt::ReadInto(g, name, net.Params());
  if (!net.SpectralNorm()) return;
  if (!g.Has(SpectralName(name))) {
    throw UserError(g.FilePath() + ": checkpoint has no '" + SpectralName(name) +
                    "' for the spectrally normalised network '" + std::string(name) +
                    "' (was spectral_norm turned on since the checkpoint?)");
  }
  Eigen::VectorXf uv(SpectralLength(net));
  ckpt::ReadInto(g, SpectralName(name), uv);
  int at = 0;
  for (int l = 0; l + 1 < net.NumLayers(); ++l) {
    net.SpectralU(l) = uv.segment(at, net.Sizes()[l + 1]);
    at += net.Sizes()[l + 1];
    net.SpectralV(l) = uv.segment(at, net.Sizes()[l]);
    at += net.Sizes()[l];
  }
}

void Save(const h5::Group& g, std::string_view name, const Adam& opt) {
  const h5::Group s = g.CreateGroup(name);
  ckpt::Write(s, "m", const_cast<Adam&>(opt).M());
  ckpt::Write(s, "v", const_cast<Adam&>(opt).V());
  s.WriteIntAttr("step", opt.StepCount());
  s.WriteDoubleAttr("lr", opt.Lr());
}

void Load(const h5::Group& g, std::string_view name, Adam& opt) {
  const h5::Group s = g.OpenGroup(name);
  ckpt::ReadInto(s, "m", opt.M());
  ckpt::ReadInto(s, "v", opt.V());
  opt.SetStepCount(s.ReadIntAttr("step"));
  opt.SetLr(s.ReadDoubleAttr("lr"));
}

void Save(const h5::Group& g, std::string_view name, const RunningMeanStd& stats) {
  const h5::Group s = g.CreateGroup(name);
  ckpt::Write(s, "mean", stats.Mean());
  ckpt::Write(s, "var", stats.Var());
  s.WriteDoubleAttr("count", stats.Count());
}

void Load(const h5::Group& g, std::string_view name, RunningMeanStd& stats) {
  const h5::Group s = g.OpenGroup(name);
  ckpt::Read(s, "mean", stats.Mean());
  ckpt::Read(s, "var", stats.Var());
  stats.SetCount(s.ReadDoubleAttr("count"));
}

void SaveModel(const h5::Group& g, const Mlp& net, const Adam& opt, const RunningMeanStd& stats) {
  Save(g, "net", net);
  Save(g, "adam", opt);
  Save(g, "input_stats", stats);
}

void LoadModel(const h5::Group& g, Mlp& net, Adam& opt, RunningMeanStd& stats) {
  Load(g, "net", net);
  Load(g, "adam", opt);
  Load(g, "input_stats", stats);
}

}  // namespace rl::nn
