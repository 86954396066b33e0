// Group: nested paths, attributes, fixed and appendable datasets.
#include <algorithm>
#include <functional>
#include <numeric>

#include "core/h5.h"
#include "core/h5_internal.h"

namespace rl::h5 {

using internal::Fail;
using internal::FailH5;

namespace {

// the prefixes of a nested path: "a/b/c" -> "a", "a/b", "a/b/c" (absolute paths keep the '/')
std::vector<std::string> Prefixes(std::string_view path) {
  std::vector<std::string> out;
  for (size_t pos = 1; pos <= path.size(); ++pos) {
    if (pos == path.size() || path[pos] == '/') out.emplace_back(path.substr(0, pos));
  }
  return out;
}

Handle LinkCreate() {
  Handle lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  H5Pset_create_intermediate_group(lcpl.Id(), 1);
  return lcpl;
}

}  // namespace

std::string Group::Child(std::string_view path) const {
  if (!path.empty() && path[0] == '/') return std::string(path);
  return (name_ == "/" ? "/" : name_ + "/") + std::string(path);
}

bool Group::Has(std::string_view path) const {
  for (const std::string& prefix : Prefixes(path)) {
    if (prefix == "/") continue;
    if (H5Lexists(Id(), prefix.c_str(), H5P_DEFAULT) <= 0) return false;
  }
  H5Eclear2(H5E_DEFAULT);
  return !path.empty();
}

bool Group::IsGroup(std::string_view path) const {
  if (!Has(path)) return false;
  H5O_info_t info;
  const std::string p(path);
  if (H5Oget_info_by_name2(Id(), p.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0) {
    FailH5(file_, "cannot inspect '" + Child(path) + "'");
  }
  return info.type == H5O_TYPE_GROUP;
}

Group Group::CreateGroup(std::string_view path) const {
  SilenceErrors();
  Handle gcpl(H5Pcreate(H5P_GROUP_CREATE), H5Pclose);
  H5Pset_link_creation_order(gcpl.Id(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
  for (const std::string& prefix : Prefixes(path)) {
    if (prefix == "/" || H5Lexists(Id(), prefix.c_str(), H5P_DEFAULT) > 0) continue;
    Handle made(H5Gcreate2(Id(), prefix.c_str(), H5P_DEFAULT, gcpl.Id(), H5P_DEFAULT), H5Gclose);
    if (!made.Valid()) FailH5(file_, "cannot create group '" + Child(prefix) + "'");
  }
  return OpenGroup(path);
}

Group Group::OpenGroup(std::string_view path) const {
  SilenceErrors();
  if (!Has(path)) Fail(file_, "no group '" + Child(path) + "'");
  const std::string p(path);
  Handle group(H5Gopen2(Id(), p.c_str(), H5P_DEFAULT), H5Gclose);
  if (!group.Valid()) Fail(file_, "'" + Child(path) + "' is not a group");
  return Group(std::move(group), file_, Child(path));
}

std::vector<std::string> Group::Children() const {
  std::vector<std::string> names;
  auto add = [](hid_t, const char* name, const H5L_info_t*, void* data) -> herr_t {
    static_cast<std::vector<std::string>*>(data)->emplace_back(name);
    return 0;
  };
  if (H5Literate(Id(), H5_INDEX_CRT_ORDER, H5_ITER_INC, nullptr, add, &names) < 0) {
    names.clear();
    if (H5Literate(Id(), H5_INDEX_NAME, H5_ITER_INC, nullptr, add, &names) < 0) {
      FailH5(file_, "cannot list '" + name_ + "'");
    }
  }
  H5Eclear2(H5E_DEFAULT);
  return names;
}

// --- attributes ---

namespace {

// opens an existing attribute or creates a scalar one of `type`
Handle AttrForWrite(const Group& g, const std::string& name, hid_t type) {
  if (H5Aexists(g.Id(), name.c_str()) > 0)
    return Handle(H5Aopen(g.Id(), name.c_str(), H5P_DEFAULT), H5Aclose);
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  return Handle(H5Acreate2(g.Id(), name.c_str(), type, space.Id(), H5P_DEFAULT, H5P_DEFAULT),
                H5Aclose);
}

Handle Utf8StringType() {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.Id(), H5T_VARIABLE);
  H5Tset_cset(type.Id(), H5T_CSET_UTF8);
  return type;
}

}  // namespace

bool Group::HasAttr(std::string_view name) const {
  const std::string n(name);
  return H5Aexists(Id(), n.c_str()) > 0;
}

void Group::WriteStringAttr(std::string_view name, std::string_view value) const {
  SilenceErrors();
  const std::string n(name), v(value);
  Handle type = Utf8StringType();
  Handle attr = AttrForWrite(*this, n, type.Id());
  const char* data = v.c_str();
  if (!attr.Valid() || H5Awrite(attr.Id(), type.Id(), &data) < 0) {
    FailH5(file_, "cannot write attribute '" + n + "' on '" + name_ + "'");
  }
}

void Group::WriteIntAttr(std::string_view name, int64_t value) const {
  SilenceErrors();
  const std::string n(name);
  Handle attr = AttrForWrite(*this, n, H5T_STD_I64LE);
  if (!attr.Valid() || H5Awrite(attr.Id(), H5T_NATIVE_INT64, &value) < 0) {
    FailH5(file_, "cannot write attribute '" + n + "' on '" + name_ + "'");
  }
}

void Group::WriteDoubleAttr(std::string_view name, double value) const {
  SilenceErrors();
  const std::string n(name);
  Handle attr = AttrForWrite(*this, n, H5T_IEEE_F64LE);
  if (!attr.Valid() || H5Awrite(attr.Id(), H5T_NATIVE_DOUBLE, &value) < 0) {
    FailH5(file_, "cannot write attribute '" + n + "' on '" + name_ + "'");
  }
}

namespace {

// opens an attribute for reading and checks its class and that it holds one value
Handle AttrForRead(const Group& g, const std::string& name, std::initializer_list<H5T_class_t> ok,
                   const char* kind) {
  SilenceErrors();
  const std::string where = "attribute '" + name + "' on '" + g.Name() + "'";
  if (H5Aexists(g.Id(), name.c_str()) <= 0) Fail(g.FilePath(), "no " + where);
  Handle attr(H5Aopen(g.Id(), name.c_str(), H5P_DEFAULT), H5Aclose);
  Handle type(H5Aget_type(attr.Id()), H5Tclose);
  Handle space(H5Aget_space(attr.Id()), H5Sclose);
  const H5T_class_t cls = H5Tget_class(type.Id());
  if (std::find(ok.begin(), ok.end(), cls) == ok.end() ||
      H5Sget_simple_extent_npoints(space.Id()) != 1) {
    Fail(g.FilePath(), where + " is not a single " + kind);
  }
  return attr;
}

}  // namespace

std::string Group::ReadStringAttr(std::string_view name) const {
  const std::string n(name);
  Handle attr = AttrForRead(*this, n, {H5T_STRING}, "string");
  Handle file_type(H5Aget_type(attr.Id()), H5Tclose);
  std::string out;
  if (H5Tis_variable_str(file_type.Id()) > 0) {
    Handle type = Utf8StringType();
    char* data = nullptr;
    if (H5Aread(attr.Id(), type.Id(), &data) < 0)
      FailH5(file_, "cannot read attribute '" + n + "'");
    if (data != nullptr) out = data;
    H5free_memory(data);
  } else {
    out.resize(H5Tget_size(file_type.Id()));
    Handle type(H5Tget_native_type(file_type.Id(), H5T_DIR_DEFAULT), H5Tclose);
    if (H5Aread(attr.Id(), type.Id(), out.data()) < 0)
      FailH5(file_, "cannot read attribute '" + n + "'");
    out.resize(std::min(out.size(), out.find('\0')));
  }
  return out;
}

int64_t Group::ReadIntAttr(std::string_view name) const {
  const std::string n(name);
  Handle attr = AttrForRead(*this, n, {H5T_INTEGER}, "integer");
  int64_t value = 0;
  if (H5Aread(attr.Id(), H5T_NATIVE_INT64, &value) < 0)
    FailH5(file_, "cannot read attribute '" + n + "'");
  return value;
}

double Group::ReadDoubleAttr(std::string_view name) const {
  const std::string n(name);
  Handle attr = AttrForRead(*this, n, {H5T_INTEGER, H5T_FLOAT}, "number");
  double value = 0;
  if (H5Aread(attr.Id(), H5T_NATIVE_DOUBLE, &value) < 0)
    FailH5(file_, "cannot read attribute '" + n + "'");
  return value;
}

// --- datasets ---

Handle Group::OpenDataset(std::string_view path) const {
  SilenceErrors();
  if (!Has(path)) Fail(file_, "no dataset '" + Child(path) + "'");
  const std::string p(path);
  Handle dataset(H5Dopen2(Id(), p.c_str(), H5P_DEFAULT), H5Dclose);
  if (!dataset.Valid()) Fail(file_, "'" + Child(path) + "' is not a dataset");
  return dataset;
}

Dims Group::Shape(std::string_view name) const {
  Handle dataset = OpenDataset(name);
  Handle space(H5Dget_space(dataset.Id()), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space.Id());
  std::vector<hsize_t> dims(std::max(rank, 0));
  H5Sget_simple_extent_dims(space.Id(), dims.data(), nullptr);
  return Dims(dims.begin(), dims.end());
}

template <Element T>
void Group::Write(std::string_view name, std::span<const T> data, const Dims& dims) const {
  SilenceErrors();
  const std::string n(name);
  const std::vector<hsize_t> shape = dims.empty() ? std::vector<hsize_t>{data.size()}
                                                  : std::vector<hsize_t>(dims.begin(), dims.end());
  const uint64_t count =
      std::accumulate(shape.begin(), shape.end(), uint64_t{1}, std::multiplies<>());
  if (count != data.size()) {
    Fail(file_, "'" + Child(name) + "': dims hold " + std::to_string(count) + " values, data has " +
                    std::to_string(data.size()));
  }
  if (Has(name) && H5Ldelete(Id(), n.c_str(), H5P_DEFAULT) < 0) {
    FailH5(file_, "cannot replace '" + Child(name) + "'");
  }
  Handle space(H5Screate_simple(static_cast<int>(shape.size()), shape.data(), nullptr), H5Sclose);
  Handle dataset(H5Dcreate2(Id(), n.c_str(), internal::FileType<T>(), space.Id(), LinkCreate().Id(),
                            H5P_DEFAULT, H5P_DEFAULT),
                 H5Dclose);
  if (!dataset.Valid() || (count > 0 && H5Dwrite(dataset.Id(), internal::NativeType<T>(), H5S_ALL,
                                                 H5S_ALL, H5P_DEFAULT, data.data()) < 0)) {
    FailH5(file_, "cannot write '" + Child(name) + "'");
  }
}

template <Element T>
std::vector<T> Group::Read(std::string_view name, Dims* dims) const {
  const Dims shape = Shape(name);
  Handle dataset = OpenDataset(name);
  const uint64_t count =
      std::accumulate(shape.begin(), shape.end(), uint64_t{1}, std::multiplies<>());
  std::vector<T> out(count);
  if (count > 0 && H5Dread(dataset.Id(), internal::NativeType<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT,
                           out.data()) < 0) {
    FailH5(file_, "cannot read '" + Child(name) + "'");
  }
  if (dims != nullptr) *dims = shape;
  return out;
}

template <Element T>
Appendable<T> Group::CreateAppendable(std::string_view name, uint64_t cols) const {
  SilenceErrors();
  const std::string n(name);
  const int rank = cols == 0 ? 1 : 2;
  // about 4 KiB per chunk: a flush rewrites only the partly filled last chunk
  const hsize_t row_bytes = std::max<uint64_t>(cols, 1) * sizeof(T);
  const hsize_t dims[2] = {0, cols}, max_dims[2] = {H5S_UNLIMITED, cols};
  const hsize_t chunk[2] = {std::max<hsize_t>(1, 4096 / row_bytes), std::max<hsize_t>(cols, 1)};
  Handle space(H5Screate_simple(rank, dims, max_dims), H5Sclose);
  Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  H5Pset_chunk(dcpl.Id(), rank, chunk);
  Handle dataset(H5Dcreate2(Id(), n.c_str(), internal::FileType<T>(), space.Id(), LinkCreate().Id(),
                            dcpl.Id(), H5P_DEFAULT),
                 H5Dclose);
  if (!dataset.Valid()) FailH5(file_, "cannot create '" + Child(name) + "'");
  return Appendable<T>(std::move(dataset), file_, Child(name));
}

template <Element T>
Appendable<T> Group::OpenAppendable(std::string_view name) const {
  return Appendable<T>(OpenDataset(name), file_, Child(name));
}

#define RL_H5_INSTANTIATE(T)                                                              \
  template void Group::Write<T>(std::string_view, std::span<const T>, const Dims&) const; \
  template std::vector<T> Group::Read<T>(std::string_view, Dims*) const;                  \
  template Appendable<T> Group::CreateAppendable<T>(std::string_view, uint64_t) const;    \
  template Appendable<T> Group::OpenAppendable<T>(std::string_view) const;
RL_H5_INSTANTIATE(double)
RL_H5_INSTANTIATE(float)
RL_H5_INSTANTIATE(int64_t)
RL_H5_INSTANTIATE(uint8_t)
#undef RL_H5_INSTANTIATE

}  // namespace rl::h5
