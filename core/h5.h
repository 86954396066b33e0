// A small RAII layer over the HDF5 1.10 C API: files, groups, attributes, fixed datasets and
// appendable (chunked, unlimited) datasets.
//
// Every failure throws rl::UserError with one line naming the file and the object, e.g.
// "run.h5: no dataset '/episodes/return'"; HDF5's own error printing is turned off. Element
// types are double, float, int64_t and uint8_t (bools are stored as uint8_t).
//
//   h5::File f = h5::File::Create("ckpt.h5");
//   f.CreateGroup("agent/actor").Write<float>("w", params, {rows, cols});
//   h5::Appendable<double> loss = f.CreateGroup("metrics").CreateAppendable<double>("loss");
//   f.StartSwmrWrite();
//   loss.Append(0.5);
//   f.Flush();
#ifndef REWARDLAB_CORE_H5_H_
#define REWARDLAB_CORE_H5_H_

#include <hdf5.h>

#include <concepts>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace rl::h5 {

// Dataset dimensions, outermost first (row-major).
using Dims = std::vector<uint64_t>;

// The element types a dataset can hold in memory.
template <typename T>
concept Element = std::same_as<T, double> || std::same_as<T, float> || std::same_as<T, int64_t> ||
    std::same_as<T, uint8_t>;

// Turns HDF5's automatic error printing off; every entry point calls it.
void SilenceErrors();

// Owns one HDF5 id and closes it with the matching H5*close function; move-only.
class Handle {
 public:
  // The close function of one id kind (H5Fclose, H5Dclose, ...).
  using Closer = herr_t (*)(hid_t);

  Handle() = default;
  // Takes ownership of `id` (negative ids are treated as empty).
  Handle(hid_t id, Closer close) : id_(id), close_(close) {}
  ~Handle() { Reset(); }
  Handle(Handle&& other) noexcept : id_(other.id_), close_(other.close_) { other.id_ = -1; }
  Handle& operator=(Handle&& other) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  // The raw id, for C API calls.
  hid_t Id() const { return id_; }
  // Whether an id is held.
  bool Valid() const { return id_ >= 0; }
  // Closes the id now; returns false if HDF5 reported an error.
  bool Reset();

 private:
  hid_t id_ = -1;
  Closer close_ = nullptr;
};

// A growable dataset: 1-D (`Cols() == 1`, rank 1) or 2-D with a fixed number of columns.
// The ids are cached, so appending a row costs one extent change and one write.
template <Element T>
class Appendable {
 public:
  Appendable() = default;

  // Appends one value to a 1-D dataset (or a 1-column 2-D one).
  void Append(T value) { AppendRows(std::span<const T>(&value, 1)); }
  // Appends `rows.size() / Cols()` whole rows, row-major.
  void AppendRows(std::span<const T> rows);
  // Sets the number of rows: truncates, or grows with zeros.
  void Resize(uint64_t rows);
  // Reads every row, row-major.
  std::vector<T> ReadAll() const;
  // Rows currently in the dataset.
  uint64_t Rows() const { return rows_; }
  // Values per row (1 for a 1-D dataset).
  uint64_t Cols() const { return cols_; }
  // The dataset's absolute path in its file.
  const std::string& Name() const { return name_; }

 private:
  friend class Group;
  Appendable(Handle dataset, std::string file, std::string name);
  void SetExtent(uint64_t rows);

  Handle dataset_;
  Handle file_space_;  // reused for every append
  Handle mem_space_;   // resized per append
  int rank_ = 1;
  uint64_t rows_ = 0;
  uint64_t cols_ = 1;
  std::string file_;
  std::string name_;
};

// A group (the root group for a File); names may be nested paths relative to it ("a/b/c").
class Group {
 public:
  Group() = default;

  // Creates a group (and missing intermediate groups); links are tracked in creation order.
  Group CreateGroup(std::string_view path) const;
  // Opens an existing group.
  Group OpenGroup(std::string_view path) const;
  // Whether a link exists at the (nested) path.
  bool Has(std::string_view path) const;
  // Whether the child at `path` is a group.
  bool IsGroup(std::string_view path) const;
  // Names of the direct children, in creation order where it is tracked, else by name.
  std::vector<std::string> Children() const;

  // Whether the attribute exists on this group.
  bool HasAttr(std::string_view name) const;
  // Writes a scalar variable-length UTF-8 string attribute, creating or overwriting it.
  void WriteStringAttr(std::string_view name, std::string_view value) const;
  // Writes a scalar int64 attribute, creating or overwriting it.
  void WriteIntAttr(std::string_view name, int64_t value) const;
  // Writes a scalar double attribute, creating or overwriting it.
  void WriteDoubleAttr(std::string_view name, double value) const;
  // Reads a string attribute (variable or fixed length).
  std::string ReadStringAttr(std::string_view name) const;
  // Reads a scalar integer attribute as int64.
  int64_t ReadIntAttr(std::string_view name) const;
  // Reads a scalar numeric attribute as double.
  double ReadDoubleAttr(std::string_view name) const;

  // Writes a contiguous dataset in one call, replacing any dataset of that name; `dims` empty
  // means 1-D of `data.size()`, else its product must equal `data.size()`.
  template <Element T>
  void Write(std::string_view name, std::span<const T> data, const Dims& dims = {}) const;
  // Reads a whole dataset, converting to T; fills `dims` if given.
  template <Element T>
  std::vector<T> Read(std::string_view name, Dims* dims = nullptr) const;
  // Reads rows [first, first + count) of a 1-D or 2-D dataset, row-major; throws when they are
  // not all there.
  template <Element T>
  std::vector<T> ReadRows(std::string_view name, uint64_t first, uint64_t count) const;
  // The dimensions of a dataset.
  Dims Shape(std::string_view name) const;

  // Creates an empty appendable dataset: 1-D when `cols` is 0, else (rows x cols).
  template <Element T>
  Appendable<T> CreateAppendable(std::string_view name, uint64_t cols = 0) const;
  // Opens an appendable dataset created by CreateAppendable (or any chunked unlimited one).
  template <Element T>
  Appendable<T> OpenAppendable(std::string_view name) const;

  // The file's path as given when opening it.
  const std::string& FilePath() const { return file_; }
  // This group's absolute path ("/" for the root).
  const std::string& Name() const { return name_; }
  // The raw id, for C API calls.
  hid_t Id() const { return handle_.Id(); }

 protected:
  Group(Handle handle, std::string file, std::string name)
      : handle_(std::move(handle)), file_(std::move(file)), name_(std::move(name)) {}
  // The absolute path of a child.
  std::string Child(std::string_view path) const;
  // Opens a dataset or throws "no dataset".
  Handle OpenDataset(std::string_view path) const;

  Handle handle_;
  std::string file_;
  std::string name_;
};

// An open HDF5 file and its root group; move-only, closed on destruction.
class File : public Group {
 public:
  File() = default;

  // Creates (truncates) a file with the latest format, as SWMR needs.
  static File Create(const std::string& path);
  // Opens read-only; with `swmr`, as a SWMR reader that sees a live writer's flushed rows.
  static File OpenReadOnly(const std::string& path, bool swmr = false);
  // Opens read-write with the latest format; `clear_status_flags` reopens a file whose writer
  // was killed (what `h5clear -s` does).
  static File OpenReadWrite(const std::string& path, bool clear_status_flags = false);

  // Switches to SWMR writing; no objects or attributes can be created afterwards.
  void StartSwmrWrite();
  // Flushes every buffer of this file to the OS (H5Fflush, local scope).
  void Flush();
  // Closes the file now, reporting errors; open datasets keep it alive until they close.
  void Close();

 private:
  File(Handle handle, std::string path) : Group(std::move(handle), std::move(path), "/") {}
};

}  // namespace rl::h5

#endif  // REWARDLAB_CORE_H5_H_
