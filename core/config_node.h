// A YAML tree that remembers where every value came from (file and line), with `extends:` and
// `--set a.b=c` overrides. Typed reading of the tree is in core/config.h.
#ifndef REWARDLAB_CORE_CONFIG_NODE_H_
#define REWARDLAB_CORE_CONFIG_NODE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rl {

// Input limits of config files (docs/config.md "Limits"): file size in bytes, nesting levels, and
// nodes produced (aliases expanded); a file past one is a UserError naming file and line.
inline constexpr int64_t kMaxConfigBytes = int64_t{16} << 20;
inline constexpr int kMaxConfigDepth = 64;
inline constexpr int64_t kMaxConfigNodes = 1000000;

// Where a value was written: a file and 1-based line, or a command-line flag.
struct SourceLoc {
  std::string file;  // file path, or "--set" for command-line overrides
  int line = 0;      // 1-based line in `file`; 0 when unknown or not a file

  // "file:line", or the file alone when the line is unknown.
  std::string ToString() const;
};

// One node of a configuration tree: null, a scalar (kept as text), a map or a sequence.
struct ConfigNode {
  enum class Kind { kNull, kScalar, kMap, kSeq };

  Kind kind = Kind::kNull;
  std::string scalar;                                   // text of a scalar
  std::vector<std::pair<std::string, ConfigNode>> map;  // entries of a map, in file order
  std::vector<ConfigNode> seq;                          // items of a sequence
  SourceLoc loc;                                        // where this value was written

  // special members defined in config_node.cc, where the node type is complete: clang with
  // libstdc++ rejects instantiating the map's pair of an incomplete ConfigNode inline
  ConfigNode();
  ConfigNode(const ConfigNode&);
  ConfigNode(ConfigNode&&) noexcept;
  ConfigNode& operator=(const ConfigNode&);
  ConfigNode& operator=(ConfigNode&&) noexcept;
  ~ConfigNode();

  bool IsNull() const { return kind == Kind::kNull; }
  bool IsScalar() const { return kind == Kind::kScalar; }
  bool IsMap() const { return kind == Kind::kMap; }
  bool IsSeq() const { return kind == Kind::kSeq; }

  // The entry `key` of a map, or nullptr.
  const ConfigNode* Find(std::string_view key) const;
  ConfigNode* Find(std::string_view key);
  // Sets entry `key` of a map (turning a null node into a map), replacing an existing entry.
  ConfigNode& Set(std::string_view key, ConfigNode value);
  // Removes entry `key` of a map if present.
  void Erase(std::string_view key);

  // A scalar node.
  static ConfigNode Scalar(std::string text, SourceLoc loc = {});
  // Block-style YAML text of this tree.
  std::string ToYaml() const;
};

// Parses YAML text (one document; empty text gives a null node); `file` names it in errors. Throws
// UserError("file:line: ...") on bad YAML, a second document, or text past the limits above.
ConfigNode ParseYaml(const std::string& text, const std::string& file);
// Loads a config file and resolves its `extends:` chain (a path or a list of paths, relative to the
// file; later parents and then the file itself override earlier ones; maps merge, other values
// are replaced). Throws UserError for a missing file, bad YAML or an `extends:` cycle.
ConfigNode LoadConfigFile(const std::string& path);
// Deep-merges `over` into `base`: maps merge key by key, anything else replaces.
void MergeInto(ConfigNode& base, const ConfigNode& over);
// Applies one override "a.b.c=value" (value parsed as YAML: `3`, `true`, `[64, 64]`, `{x: 1}`);
// "reward[1].factors[0].scale=100" steps into existing list items. Throws UserError when the text
// has no '=', an empty key or an index past the end of its list.
void ApplyOverride(ConfigNode& root, std::string_view assignment);

}  // namespace rl

#endif  // REWARDLAB_CORE_CONFIG_NODE_H_
