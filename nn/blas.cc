#include "nn/blas.h"

#include <dlfcn.h>
#include <strings.h>

#include <Eigen/Core>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "nn/gemm.h"

namespace rl::nn {

namespace {

// The libraries tried in turn: REWARDLAB_OPENBLAS (a path or file name) alone when it is set.
std::vector<std::string> Libraries() {
  const char* named = std::getenv("REWARDLAB_OPENBLAS");
  if (named && *named) return {named};
  return {"libopenblas.so.0", "libopenblas.so"};
}

// the OpenBLAS entry points besides sgemm
using CharFn = char* (*)();
using SetThreadsFn = void (*)(int);

// What this CPU and its OS support (GCC's cpu model checks the OS saves the wide registers).
CpuSimd DetectCpu() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl")) {
    return CpuSimd::kAvx512;
  }
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return CpuSimd::kAvx2;
#endif
  return CpuSimd::kBaseline;
}

// The value of an environment variable, empty when unset or empty.
std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

// Sets an unset environment variable for the lifetime of this object, then unsets it again, so
// that child processes choose for themselves.
class TemporaryEnv {
 public:
  TemporaryEnv(const char* name, const char* value) : name_(name) {
    if (value != nullptr && std::getenv(name) == nullptr) set_ = setenv(name, value, 0) == 0;
  }
  ~TemporaryEnv() {
    if (set_) unsetenv(name_);
  }
  TemporaryEnv(const TemporaryEnv&) = delete;
  TemporaryEnv& operator=(const TemporaryEnv&) = delete;
  bool set() const { return set_; }

 private:
  const char* name_;
  bool set_ = false;
};

// A loaded OpenBLAS, or the reason there is none.
struct Loaded {
  BlasChoice choice;     // sgemm, version and core filled in when loaded
  bool already = false;  // another library had loaded it before us
  std::string error;     // why it is not loaded
};

// dlopens OpenBLAS single-threaded, exporting OPENBLAS_CORETYPE=core_type first when the user
// has not set it (null: never). An OpenBLAS already in the process keeps its kernels.
Loaded LoadOpenBlas(const char* core_type, bool* core_type_set) {
  Loaded loaded;
  const std::vector<std::string> libraries = Libraries();
  void* handle = nullptr;
  for (const std::string& name : libraries) {
    handle = dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD);
    if (handle) break;
  }
  loaded.already = handle != nullptr;
  if (!handle) {
    // the library picks its kernels and starts its thread pool in its constructor
    const TemporaryEnv core("OPENBLAS_CORETYPE", core_type);
    const TemporaryEnv threads("OPENBLAS_NUM_THREADS", "1");
    *core_type_set = core.set();
    for (const std::string& name : libraries) {
      handle = dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
      if (handle) break;
    }
  }
  if (!handle) {
    const char* error = dlerror();
    loaded.error = error ? error : libraries.back() + " not found";
    return loaded;
  }
  auto sgemm = reinterpret_cast<CblasSgemm>(dlsym(handle, "cblas_sgemm"));
  auto corename = reinterpret_cast<CharFn>(dlsym(handle, "openblas_get_corename"));
  auto config = reinterpret_cast<CharFn>(dlsym(handle, "openblas_get_config"));
  auto set_threads = reinterpret_cast<SetThreadsFn>(dlsym(handle, "openblas_set_num_threads"));
  if (!sgemm || !corename || !config || !set_threads) {
    loaded.error = "the library lacks cblas_sgemm or openblas_get_corename";
    return loaded;
  }
  // our own pools parallelise, and one thread keeps the results fixed
  set_threads(1);
  loaded.choice.sgemm = sgemm;
  loaded.choice.openblas_core = corename();
  // "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH ..."
  std::istringstream words(config());
  std::string first;
  words >> first >> loaded.choice.openblas_version;
  return loaded;
}

// The environment's REWARDLAB_BLAS, checked.
std::string RequestedPath() {
  const std::string requested = Env("REWARDLAB_BLAS");
  if (requested.empty() || requested == "auto" || requested == "eigen" || requested == "openblas")
    return requested.empty() ? "auto" : requested;
  throw UserError("REWARDLAB_BLAS=" + requested +
                  " (environment) is not a linear-algebra path; set it to auto, eigen or "
                  "openblas, or unset it");
}

// "Eigen kernels (AVX512)": the widest instruction set Eigen was compiled for.
std::string EigenKernels() {
  const std::string sets = Eigen::SimdInstructionSetsInUse();
  return "Eigen kernels (" + sets.substr(0, sets.find(',')) + ")";
}

BlasChoice Choose() {
  const std::string requested = RequestedPath();
  const CpuSimd cpu = DetectCpu();
  const std::string cpu_name = CpuSimdName(cpu);
  const std::string user_core = Env("OPENBLAS_CORETYPE");
  BlasChoice eigen;
  eigen.cpu = cpu;
  if (requested == "eigen") {
    eigen.report =
        "linear algebra: " + EigenKernels() + " for every product (REWARDLAB_BLAS=eigen)";
    return eigen;
  }

  // auto: the kernel set for this CPU unless the user named one
  const char* core_type = nullptr;
  if (requested == "auto" && cpu == CpuSimd::kAvx512) core_type = "SkylakeX";
  if (requested == "auto" && cpu == CpuSimd::kAvx2) core_type = "Haswell";
  bool core_type_set = false;
  Loaded loaded = LoadOpenBlas(core_type, &core_type_set);
  BlasChoice choice = loaded.choice;
  choice.cpu = cpu;
  if (!choice.sgemm) {
    if (requested == "openblas") {
      throw UserError("REWARDLAB_BLAS=openblas (environment) but OpenBLAS cannot be used: " +
                      loaded.error + "; install libopenblas0 or unset REWARDLAB_BLAS");
    }
    eigen.report = "linear algebra: " + EigenKernels() +
                   " for every product (OpenBLAS not loaded: " + loaded.error + ")";
    return eigen;
  }

  // where OpenBLAS's kernel set came from
  const std::string openblas = "OpenBLAS " + choice.openblas_version;
  std::string source;
  if (loaded.already) {
    source = "loaded before rewardlab chose";
  } else if (core_type_set) {
    source = std::string("set by rewardlab; OPENBLAS_CORETYPE was unset");
  } else if (!user_core.empty()) {
    source = "OPENBLAS_CORETYPE=" + user_core;
  } else {
    source = "OpenBLAS's own choice";
  }
  const bool stale = cpu != CpuSimd::kBaseline && IsPreAvx2Core(choice.openblas_core);
  if (stale && requested == "auto") {
    eigen.sgemm = choice.sgemm;
    eigen.openblas_version = choice.openblas_version;
    eigen.openblas_core = choice.openblas_core;
    eigen.report = "linear algebra: " + EigenKernels() + " for every product (" + openblas +
                   " picked " + choice.openblas_core + " (" + source + ") on an " + cpu_name +
                   " CPU)";
    return eigen;
  }
  // AVX-512 kernels beat Eigen's on the small products too (bench/sac_bench --gemm), but not on
  // matrix-vector ones; AVX2 kernels lose to Eigen's below kBlasMinDim
  choice.path = BlasPath::kOpenBlas;
  choice.small_on_openblas = IsAvx512Core(choice.openblas_core);
  const std::string where =
      choice.small_on_openblas
          ? "for every product but matrix-vector ones, " + EigenKernels() + " for those"
          : "for products from " + std::to_string(kBlasMinDim) + " wide, " + EigenKernels() +
                " below";
  choice.report = "linear algebra: " + openblas + " kernels " + choice.openblas_core + " (" +
                  source + "; CPU: " + cpu_name +
                  (requested == "openblas" ? "; REWARDLAB_BLAS=openblas" : "") + ") " + where;
  return choice;
}

}  // namespace

bool IsPreAvx2Core(const std::string& core) {
  static constexpr std::array<std::string_view, 23> kOld = {
      "Unknown",   "Katmai",       "Coppermine",  "Northwood",  "Prescott",    "Banias",
      "Atom",      "Core2",        "Penryn",      "Dunnington", "Nehalem",     "Athlon",
      "Opteron",   "Opteron_SSE3", "Barcelona",   "Nano",       "Sandybridge", "Bobcat",
      "Bulldozer", "Piledriver",   "Steamroller", "Excavator",  "Generic"};
  for (const std::string_view old : kOld) {
    if (old.size() == core.size() && strncasecmp(old.data(), core.data(), core.size()) == 0)
      return true;
  }
  return false;
}

bool IsAvx512Core(const std::string& core) {
  for (const char* name : {"SkylakeX", "Cooperlake", "SapphireRapids"}) {
    if (strcasecmp(name, core.c_str()) == 0) return true;
  }
  return false;
}

const char* CpuSimdName(CpuSimd simd) {
  switch (simd) {
    case CpuSimd::kAvx512:
      return "AVX-512";
    case CpuSimd::kAvx2:
      return "AVX2";
    case CpuSimd::kBaseline:
      break;
  }
  return "no AVX2";
}

const BlasChoice& Blas() {
  static const BlasChoice choice = Choose();
  return choice;
}

std::string BlasReport() { return Blas().report; }

void LogBlasReport(const std::string& log_path, bool to_stderr) {
  const std::string& line = Blas().report;
  if (to_stderr) std::fprintf(stderr, "%s\n", line.c_str());
  if (std::FILE* log = std::fopen(log_path.c_str(), "a")) {
    std::fprintf(log, "%s\n", line.c_str());
    std::fclose(log);
  }
}

}  // namespace rl::nn
