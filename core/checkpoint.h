// Helpers for checkpoint files: Eigen matrices, optimiser and normaliser state and RNG streams
// stored in HDF5 groups. A matrix (rows x cols, column-major) is stored as a (cols x rows) dataset,
// so h5py sees one row per column (one row per sample for batches).
#ifndef REWARDLAB_CORE_CHECKPOINT_H_
#define REWARDLAB_CORE_CHECKPOINT_H_

#include <Eigen/Dense>
#include <string_view>

#include "core/h5.h"
#include "core/rng.h"

namespace rl::ckpt {

// Writes a float matrix (rows x cols) as a (cols x rows) dataset.
void Write(const h5::Group& g, std::string_view name, const Eigen::MatrixXf& m);
// Writes a double matrix (rows x cols) as a (cols x rows) dataset.
void Write(const h5::Group& g, std::string_view name, const Eigen::MatrixXd& m);
// Reads a matrix written by Write; its shape comes from the file.
void Read(const h5::Group& g, std::string_view name, Eigen::MatrixXf& m);
void Read(const h5::Group& g, std::string_view name, Eigen::MatrixXd& m);
// Vector overloads (stored 1-D).
void Write(const h5::Group& g, std::string_view name, const Eigen::VectorXf& v);
void Write(const h5::Group& g, std::string_view name, const Eigen::VectorXd& v);
void Read(const h5::Group& g, std::string_view name, Eigen::VectorXf& v);
void Read(const h5::Group& g, std::string_view name, Eigen::VectorXd& v);
// Reads into a fixed-size destination, throwing UserError when the stored size differs.
void ReadInto(const h5::Group& g, std::string_view name, Eigen::Ref<Eigen::VectorXf> v);
// An RNG stream's state (4 words stored as int64).
void WriteRng(const h5::Group& g, std::string_view name, const Rng& rng);
// Restores an RNG stream written by WriteRng.
void ReadRng(const h5::Group& g, std::string_view name, Rng& rng);

// The root attribute holding a checkpoint's payload checksum.
inline constexpr std::string_view kChecksumAttr = "checksum";
// The checksum of everything in `root` but the checksum attribute itself: every attribute (name,
// value) and every dataset (path, shape, bytes), groups in the file's link order, attributes by
// name; "fnv1a64:" then 16 hex digits. HDF5 checksums only its metadata, this covers the data.
std::string PayloadChecksum(const h5::Group& root);
// Throws a one-line UserError naming the file when its stored checksum differs from the payload's;
// a file without one (written before checksums existed) passes.
void VerifyChecksum(const h5::Group& root);

}  // namespace rl::ckpt

#endif  // REWARDLAB_CORE_CHECKPOINT_H_
