#include "core/h5.h"

#include <filesystem>

#include "core/error.h"
#include "core/h5_internal.h"

namespace rl::h5 {

using internal::Fail;
using internal::FailH5;

void SilenceErrors() {
  // HDF5's exit handler closes the files still open, and crashes on one whose close failed (a full
  // disk); every file here is closed by its owner, so the handler is not installed (this must
  // precede the library's initialisation, hence here)
  static const bool no_exit_handler = [] {
    H5dont_atexit();
    return true;
  }();
  (void)no_exit_handler;
  // error settings are per thread in the thread-safe build
  thread_local bool silenced = false;
  if (!silenced) {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    silenced = true;
  }
}

Handle& Handle::operator=(Handle&& other) noexcept {
  if (this != &other) {
    Reset();
    id_ = other.id_;
    close_ = other.close_;
    other.id_ = -1;
  }
  return *this;
}

bool Handle::Reset() {
  if (id_ < 0) return true;
  const herr_t status = close_ ? close_(id_) : 0;
  id_ = -1;
  return status >= 0;
}

namespace {

std::string Parent(const std::string& path) {
  return std::filesystem::path(path).parent_path().string();
}

// explains why opening `path` failed: missing, a folder, not HDF5, or HDF5's own reason
[[noreturn]] void FailOpen(const std::string& path, const char* action) {
  const std::string reason = internal::StackMessage();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) Fail(path, "no such file");
  if (std::filesystem::is_directory(path, ec)) Fail(path, "is a folder, not an HDF5 file");
  if (H5Fis_hdf5(path.c_str()) <= 0) Fail(path, "not an HDF5 file");
  Fail(path, std::string("cannot ") + action + (reason.empty() ? "" : ": " + reason));
}

// metadata read attempts of a SWMR reader (a writer's are fixed at 100 by H5Fstart_swmr_write)
constexpr unsigned kSwmrReadAttempts = 28;

// a writer's access: the latest format (SWMR needs it), and a strong close, so that H5Fclose
// really closes (and reports a failed final flush) even if an object is still open
Handle LatestFormatAccess() {
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  H5Pset_libver_bounds(fapl.Id(), H5F_LIBVER_LATEST, H5F_LIBVER_LATEST);
  H5Pset_fclose_degree(fapl.Id(), H5F_CLOSE_STRONG);
  return fapl;
}

}  // namespace

File File::Create(const std::string& path) {
  SilenceErrors();
  const std::string parent = Parent(path);
  std::error_code ec;
  if (!parent.empty() && !std::filesystem::is_directory(parent, ec)) {
    Fail(path, "cannot create: folder '" + parent + "' does not exist");
  }
  Handle fapl = LatestFormatAccess();
  Handle fcpl(H5Pcreate(H5P_FILE_CREATE), H5Pclose);
  H5Pset_link_creation_order(fcpl.Id(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
  Handle file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, fcpl.Id(), fapl.Id()), H5Fclose);
  if (!file.Valid()) FailH5(path, "cannot create");
  return File(std::move(file), path);
}

File File::OpenReadOnly(const std::string& path, bool swmr) {
  SilenceErrors();
  const unsigned flags = H5F_ACC_RDONLY | (swmr ? H5F_ACC_SWMR_READ : 0u);
  // a SWMR reader retries a metadata read whose checksum fails (a writer may be mid-flush),
  // sleeping 1, 2, 4, ... ns between tries: HDF5's default of 100 tries never ends on a damaged
  // file (2^100 ns); 28 tries wait at most 0.27 s in all, ample for a writer's flush
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  if (swmr) H5Pset_metadata_read_attempts(fapl.Id(), kSwmrReadAttempts);
  Handle file(H5Fopen(path.c_str(), flags, fapl.Id()), H5Fclose);
  if (!file.Valid()) FailOpen(path, "open for reading");
  return File(std::move(file), path);
}

File File::OpenReadWrite(const std::string& path, bool clear_status_flags) {
  SilenceErrors();
  Handle fapl = LatestFormatAccess();
  if (clear_status_flags) {
    // undocumented property, what h5clear -s sets (toolchain.md 5.6)
    hbool_t clear = 1;
    if (H5Pset(fapl.Id(), "clear_status_flags", &clear) < 0) {
      FailH5(path, "cannot clear status flags");
    }
  }
  Handle file(H5Fopen(path.c_str(), H5F_ACC_RDWR, fapl.Id()), H5Fclose);
  if (!file.Valid()) FailOpen(path, "open for writing");
  return File(std::move(file), path);
}

void File::StartSwmrWrite() {
  if (H5Fstart_swmr_write(Id()) < 0) FailH5(file_, "cannot start SWMR writing");
}

void File::Flush() {
  if (H5Fflush(Id(), H5F_SCOPE_LOCAL) < 0) FailH5(file_, "cannot flush");
}

void File::Close() {
  if (!handle_.Reset()) FailH5(file_, "cannot close");
}

// --- appendable datasets ---

template <Element T>
Appendable<T>::Appendable(Handle dataset, std::string file, std::string name)
    : dataset_(std::move(dataset)), file_(std::move(file)), name_(std::move(name)) {
  file_space_ = Handle(H5Dget_space(dataset_.Id()), H5Sclose);
  hsize_t dims[2] = {0, 0}, max_dims[2] = {0, 0};
  rank_ = H5Sget_simple_extent_ndims(file_space_.Id());
  if (rank_ < 1 || rank_ > 2) Fail(file_, "'" + name_ + "' is not a 1-D or 2-D dataset");
  H5Sget_simple_extent_dims(file_space_.Id(), dims, max_dims);
  if (max_dims[0] != H5S_UNLIMITED) Fail(file_, "'" + name_ + "' is not appendable");
  rows_ = dims[0];
  cols_ = rank_ == 2 ? dims[1] : 1;
  mem_space_ = Handle(H5Screate_simple(1, dims, nullptr), H5Sclose);
}

template <Element T>
void Appendable<T>::SetExtent(uint64_t rows) {
  const hsize_t dims[2] = {rows, cols_}, max_dims[2] = {H5S_UNLIMITED, cols_};
  if (H5Dset_extent(dataset_.Id(), dims) < 0 ||
      H5Sset_extent_simple(file_space_.Id(), rank_, dims, max_dims) < 0) {
    FailH5(file_, "cannot resize '" + name_ + "'");
  }
}

template <Element T>
void Appendable<T>::AppendRows(std::span<const T> rows) {
  if (rows.size() % cols_ != 0) {
    Fail(file_, "'" + name_ + "': " + std::to_string(rows.size()) +
                    " values are not whole rows of " + std::to_string(cols_));
  }
  const hsize_t n = rows.size() / cols_;
  if (n == 0) return;
  const hsize_t start[2] = {rows_, 0}, count[2] = {n, cols_}, total = rows.size();
  SetExtent(rows_ + n);
  rows_ += n;
  if (H5Sset_extent_simple(mem_space_.Id(), 1, &total, nullptr) < 0 ||
      H5Sselect_hyperslab(file_space_.Id(), H5S_SELECT_SET, start, nullptr, count, nullptr) < 0 ||
      H5Dwrite(dataset_.Id(), internal::NativeType<T>(), mem_space_.Id(), file_space_.Id(),
               H5P_DEFAULT, rows.data()) < 0) {
    FailH5(file_, "cannot append to '" + name_ + "'");
  }
}

template <Element T>
void Appendable<T>::Resize(uint64_t rows) {
  SetExtent(rows);
  rows_ = rows;
}

template <Element T>
std::vector<T> Appendable<T>::ReadAll() const {
  std::vector<T> out(rows_ * cols_);
  if (out.empty()) return out;
  const hsize_t total = out.size();
  Handle mem(H5Screate_simple(1, &total, nullptr), H5Sclose);
  if (H5Sselect_all(file_space_.Id()) < 0 ||
      H5Dread(dataset_.Id(), internal::NativeType<T>(), mem.Id(), file_space_.Id(), H5P_DEFAULT,
              out.data()) < 0) {
    FailH5(file_, "cannot read '" + name_ + "'");
  }
  return out;
}

template class Appendable<double>;
template class Appendable<float>;
template class Appendable<int64_t>;
template class Appendable<uint8_t>;

// --- partial reads ---

template <Element T>
std::vector<T> Group::ReadRows(std::string_view name, uint64_t first, uint64_t count) const {
  const Dims shape = Shape(name);
  if (shape.empty() || shape.size() > 2 || first + count > shape[0]) {
    Fail(file_, "dataset '" + Child(name) + "' has no rows " + std::to_string(first) + ".." +
                    std::to_string(first + count) + " (it is not 1-D or 2-D, or has " +
                    std::to_string(shape.empty() ? 0 : shape[0]) + " rows)");
  }
  const hsize_t cols = shape.size() == 2 ? shape[1] : 1;
  std::vector<T> out(count * cols);
  if (out.empty()) return out;
  Handle dataset = OpenDataset(name);
  Handle space(H5Dget_space(dataset.Id()), H5Sclose);
  const hsize_t start[2] = {first, 0}, size[2] = {count, cols}, total = out.size();
  Handle mem(H5Screate_simple(1, &total, nullptr), H5Sclose);
  if (H5Sselect_hyperslab(space.Id(), H5S_SELECT_SET, start, nullptr, size, nullptr) < 0 ||
      H5Dread(dataset.Id(), internal::NativeType<T>(), mem.Id(), space.Id(), H5P_DEFAULT,
              out.data()) < 0) {
    FailH5(file_, "cannot read '" + Child(name) + "'");
  }
  return out;
}

template std::vector<double> Group::ReadRows(std::string_view, uint64_t, uint64_t) const;
template std::vector<float> Group::ReadRows(std::string_view, uint64_t, uint64_t) const;
template std::vector<int64_t> Group::ReadRows(std::string_view, uint64_t, uint64_t) const;
template std::vector<uint8_t> Group::ReadRows(std::string_view, uint64_t, uint64_t) const;

}  // namespace rl::h5
