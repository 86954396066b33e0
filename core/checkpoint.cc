#include "core/checkpoint.h"

#include <cstring>

#include "core/error.h"

namespace rl::ckpt {
namespace {

template <class M>
void WriteMatrix(const h5::Group& g, std::string_view name, const M& m) {
  using T = typename M::Scalar;
  g.Write<T>(name, std::span<const T>(m.data(), m.size()),
             {static_cast<uint64_t>(m.cols()), static_cast<uint64_t>(m.rows())});
}

template <class M>
void ReadMatrix(const h5::Group& g, std::string_view name, M& m) {
  using T = typename M::Scalar;
  h5::Dims dims;
  const std::vector<T> data = g.Read<T>(name, &dims);
  const int64_t cols = dims.size() > 0 ? static_cast<int64_t>(dims[0]) : 0;
  const int64_t rows = dims.size() > 1 ? static_cast<int64_t>(dims[1]) : 1;
  m = Eigen::Map<const M>(data.data(), rows, cols);
}

template <class V>
void WriteVector(const h5::Group& g, std::string_view name, const V& v) {
  using T = typename V::Scalar;
  g.Write<T>(name, std::span<const T>(v.data(), v.size()));
}

template <class V>
void ReadVector(const h5::Group& g, std::string_view name, V& v) {
  using T = typename V::Scalar;
  const std::vector<T> data = g.Read<T>(name);
  v = Eigen::Map<const V>(data.data(), static_cast<int64_t>(data.size()));
}

}  // namespace

void Write(const h5::Group& g, std::string_view name, const Eigen::MatrixXf& m) {
  WriteMatrix(g, name, m);
}
void Write(const h5::Group& g, std::string_view name, const Eigen::MatrixXd& m) {
  WriteMatrix(g, name, m);
}
void Read(const h5::Group& g, std::string_view name, Eigen::MatrixXf& m) { ReadMatrix(g, name, m); }
void Read(const h5::Group& g, std::string_view name, Eigen::MatrixXd& m) { ReadMatrix(g, name, m); }
void Write(const h5::Group& g, std::string_view name, const Eigen::VectorXf& v) {
  WriteVector(g, name, v);
}
void Write(const h5::Group& g, std::string_view name, const Eigen::VectorXd& v) {
  WriteVector(g, name, v);
}
void Read(const h5::Group& g, std::string_view name, Eigen::VectorXf& v) { ReadVector(g, name, v); }
void Read(const h5::Group& g, std::string_view name, Eigen::VectorXd& v) { ReadVector(g, name, v); }

void ReadInto(const h5::Group& g, std::string_view name, Eigen::Ref<Eigen::VectorXf> v) {
  Eigen::VectorXf tmp;
  Read(g, name, tmp);
  if (tmp.size() != v.size()) {
    throw UserError(g.FilePath() + ": checkpoint entry '" + std::string(name) + "' has " +
                    std::to_string(tmp.size()) + " values, expected " + std::to_string(v.size()) +
                    " (was the config changed since the checkpoint?)");
  }
  v = tmp;
}

void WriteRng(const h5::Group& g, std::string_view name, const Rng& rng) {
  int64_t words[4];
  std::memcpy(words, rng.State().data(), sizeof(words));
  g.Write<int64_t>(name, std::span<const int64_t>(words, 4));
}

void ReadRng(const h5::Group& g, std::string_view name, Rng& rng) {
  const std::vector<int64_t> words = g.Read<int64_t>(name);
  if (words.size() != 4)
    throw UserError(g.FilePath() + ": bad RNG state '" + std::string(name) + "'");
  std::array<uint64_t, 4> state;
  std::memcpy(state.data(), words.data(), sizeof(int64_t) * 4);
  rng.SetState(state);
}

}  // namespace rl::ckpt
