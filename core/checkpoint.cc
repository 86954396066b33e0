#include "core/checkpoint.h"

#include <algorithm>
#include <cstdio>
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

namespace {

// FNV-1a over 64-bit words (bytes of a tail one at a time): simple, and fast on big buffers
class Hasher {
 public:
  void Add(const void* data, size_t size) {
    const auto* p = static_cast<const unsigned char*>(data);
    size_t i = 0;
    for (; i + 8 <= size; i += 8) {
      uint64_t word;
      std::memcpy(&word, p + i, 8);
      Mix(word);
    }
    for (; i < size; ++i) Mix(p[i]);
  }
  void Add(std::string_view text) {
    const uint64_t size = text.size();
    Add(&size, sizeof(size));
    Add(text.data(), text.size());
  }
  uint64_t Value() const { return h_; }

 private:
  void Mix(uint64_t v) { h_ = (h_ ^ v) * 0x100000001b3ULL; }
  uint64_t h_ = 0xcbf29ce484222325ULL;
};

// names of a group's attributes, by name
std::vector<std::string> AttrNames(const h5::Group& g) {
  std::vector<std::string> names;
  auto add = [](hid_t, const char* name, const H5A_info_t*, void* data) -> herr_t {
    static_cast<std::vector<std::string>*>(data)->emplace_back(name);
    return 0;
  };
  hsize_t index = 0;
  if (H5Aiterate2(g.Id(), H5_INDEX_NAME, H5_ITER_INC, &index, add, &names) < 0) {
    throw UserError(g.FilePath() + ": cannot list the attributes of '" + g.Name() + "'");
  }
  return names;
}

void HashAttr(const h5::Group& g, const std::string& name, Hasher& h) {
  h.Add(name);
  const hid_t attr = H5Aopen(g.Id(), name.c_str(), H5P_DEFAULT);
  const hid_t type = attr >= 0 ? H5Aget_type(attr) : -1;
  const H5T_class_t cls = type >= 0 ? H5Tget_class(type) : H5T_NO_CLASS;
  if (type >= 0) H5Tclose(type);
  if (attr >= 0) H5Aclose(attr);
  if (cls == H5T_STRING) {
    h.Add(g.ReadStringAttr(name));
  } else if (cls == H5T_INTEGER) {
    const int64_t v = g.ReadIntAttr(name);
    h.Add(&v, sizeof(v));
  } else if (cls == H5T_FLOAT) {
    const double v = g.ReadDoubleAttr(name);
    h.Add(&v, sizeof(v));
  } else {
    throw UserError(g.FilePath() + ": attribute '" + name + "' on '" + g.Name() +
                    "' is not a string or a number (not a rewardlab checkpoint?)");
  }
}

// the raw bytes of a dataset in its native type
void HashDataset(const h5::Group& g, const std::string& name, Hasher& h) {
  const h5::Dims dims = g.Shape(name);
  h.Add(name);
  h.Add(dims.data(), dims.size() * sizeof(uint64_t));
  h5::Handle dataset(H5Dopen2(g.Id(), name.c_str(), H5P_DEFAULT), H5Dclose);
  h5::Handle file_type(H5Dget_type(dataset.Id()), H5Tclose);
  h5::Handle type(H5Tget_native_type(file_type.Id(), H5T_DIR_ASCEND), H5Tclose);
  const H5T_class_t cls = H5Tget_class(file_type.Id());
  if (!type.Valid() || (cls != H5T_INTEGER && cls != H5T_FLOAT)) {
    throw UserError(g.FilePath() + ": dataset '" + g.Name() + "/" + name +
                    "' is not numeric (not a rewardlab checkpoint?)");
  }
  uint64_t count = 1;
  for (uint64_t d : dims) count *= d;
  std::vector<unsigned char> bytes(count * H5Tget_size(type.Id()));
  if (!bytes.empty() &&
      H5Dread(dataset.Id(), type.Id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, bytes.data()) < 0) {
    H5Eclear2(H5E_DEFAULT);
    throw UserError(g.FilePath() + ": cannot read '" + g.Name() + "/" + name +
                    "' (the checkpoint is damaged)");
  }
  h.Add(bytes.data(), bytes.size());
}

void HashGroup(const h5::Group& g, bool root, Hasher& h) {
  h.Add(g.Name());
  for (const std::string& attr : AttrNames(g)) {
    if (!(root && attr == kChecksumAttr)) HashAttr(g, attr, h);
  }
  for (const std::string& child : g.Children()) {
    if (g.IsGroup(child)) {
      HashGroup(g.OpenGroup(child), false, h);
    } else {
      HashDataset(g, child, h);
    }
  }
}

}  // namespace

std::string PayloadChecksum(const h5::Group& root) {
  Hasher h;
  HashGroup(root, true, h);
  char text[32];
  std::snprintf(text, sizeof(text), "fnv1a64:%016llx", static_cast<unsigned long long>(h.Value()));
  return text;
}

void VerifyChecksum(const h5::Group& root) {
  if (!root.HasAttr(kChecksumAttr)) return;
  const std::string stored = root.ReadStringAttr(kChecksumAttr);
  if (stored != PayloadChecksum(root)) {
    throw UserError(root.FilePath() +
                    ": checksum mismatch, the checkpoint is damaged (a changed or lost byte); "
                    "restore it from a backup or start the run again");
  }
}

}  // namespace rl::ckpt
