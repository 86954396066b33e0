// Helpers shared by the h5 sources: failures as UserError and native type ids. Not a public API.
#ifndef REWARDLAB_CORE_H5_INTERNAL_H_
#define REWARDLAB_CORE_H5_INTERNAL_H_

#include <hdf5.h>

#include <string>

#include "core/error.h"
#include "core/h5.h"

namespace rl::h5::internal {

// The innermost message of HDF5's error stack for this thread ("" if empty); clears the stack.
inline std::string StackMessage() {
  std::string message;
  auto first = [](unsigned n, const H5E_error2_t* err, void* data) -> herr_t {
    if (n == 0 && err->desc != nullptr) *static_cast<std::string*>(data) = err->desc;
    return 0;
  };
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, first, &message);
  H5Eclear2(H5E_DEFAULT);
  // a failed write or read: keep the OS's reason ("No space left on device"), not the details
  const std::string marker = "error message = '";
  const size_t at = message.find(marker);
  if (at != std::string::npos) {
    const size_t start = at + marker.size();
    const size_t end = message.find('\'', start);
    if (end != std::string::npos) message = message.substr(start, end - start);
  }
  return message;
}

// Throws "file: what" as a UserError.
[[noreturn]] inline void Fail(const std::string& file, const std::string& what) {
  H5Eclear2(H5E_DEFAULT);
  throw UserError(file + ": " + what);
}

// Throws "file: what (reason)" with HDF5's innermost error message as the reason.
[[noreturn]] inline void FailH5(const std::string& file, const std::string& what) {
  const std::string reason = StackMessage();
  throw UserError(file + ": " + what + (reason.empty() ? "" : " (" + reason + ")"));
}

// The in-memory type of T.
template <Element T>
hid_t NativeType() {
  if constexpr (std::is_same_v<T, double>) return H5T_NATIVE_DOUBLE;
  if constexpr (std::is_same_v<T, float>) return H5T_NATIVE_FLOAT;
  if constexpr (std::is_same_v<T, int64_t>) return H5T_NATIVE_INT64;
  if constexpr (std::is_same_v<T, uint8_t>) return H5T_NATIVE_UINT8;
}

// The on-disk type of T: little-endian standard types, whatever the machine.
template <Element T>
hid_t FileType() {
  if constexpr (std::is_same_v<T, double>) return H5T_IEEE_F64LE;
  if constexpr (std::is_same_v<T, float>) return H5T_IEEE_F32LE;
  if constexpr (std::is_same_v<T, int64_t>) return H5T_STD_I64LE;
  if constexpr (std::is_same_v<T, uint8_t>) return H5T_STD_U8LE;
}

}  // namespace rl::h5::internal

#endif  // REWARDLAB_CORE_H5_INTERNAL_H_
