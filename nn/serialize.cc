#include "nn/serialize.h"

#include "core/checkpoint.h"

namespace rl::nn {

void Save(const h5::Group& g, std::string_view name, const Mlp& net) {
  ckpt::Write(g, name, net.Params());
}

void Load(const h5::Group& g, std::string_view name, Mlp& net) {
  ckpt::ReadInto(g, name, net.Params());
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

}  // namespace rl::nn
