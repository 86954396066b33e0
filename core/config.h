// Typed configs: each component declares one struct whose fields carry a default and a one-line
// doc, listed once in a `Fields(v)` member:
//
//   struct CartPoleConfig {
//     bool sutton_barto_reward = false;
//     template <class V> void Fields(V& v) {
//       v("sutton_barto_reward", sutton_barto_reward, "pay 0 per step and -1 on failure");
//     }
//   };
//
// The same list drives reading (ReadConfig: type and range checks, unknown keys rejected with
// file:line and the dotted key), writing (ToNode: the resolved config saved with a run) and
// documentation (Describe: `rewardlab config describe`).
#ifndef REWARDLAB_CORE_CONFIG_H_
#define REWARDLAB_CORE_CONFIG_H_

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "core/config_node.h"
#include "core/error.h"

namespace rl {

// A constraint on a field's value: a numeric interval and/or a set of allowed strings.
struct Check {
  static constexpr double kInf = std::numeric_limits<double>::infinity();

  double lo = -std::numeric_limits<double>::infinity();  // lower bound
  double hi = std::numeric_limits<double>::infinity();   // upper bound
  bool lo_open = false;                                  // lo itself is excluded
  bool hi_open = false;                                  // hi itself is excluded
  std::vector<std::string> choices;                      // allowed strings; empty = any
  bool allow_inf = false;  // a float may be .inf or -.inf (a bound meaning "none")

  // Value >= lo.
  static Check Min(double lo) { return Interval(lo, kInf, false, false); }
  // Value > 0.
  static Check Positive() { return Interval(0.0, kInf, true, false); }
  // Value in [lo, hi].
  static Check Range(double lo, double hi) { return Interval(lo, hi, false, false); }
  // Value in [lo, hi).
  static Check RangeOpenHigh(double lo, double hi) { return Interval(lo, hi, false, true); }
  // One of the given strings.
  static Check OneOf(std::vector<std::string> c) {
    Check k;
    k.choices = std::move(c);
    return k;
  }
  // Any number, ±.inf included: a range bound where infinity means "no bound".
  static Check Bound() {
    Check k;
    k.allow_inf = true;
    return k;
  }
  // An interval with explicit open/closed ends.
  static Check Interval(double lo, double hi, bool lo_open, bool hi_open) {
    Check k;
    k.lo = lo;
    k.hi = hi;
    k.lo_open = lo_open;
    k.hi_open = hi_open;
    return k;
  }
  // Whether a number passes.
  bool Accepts(double x) const;
  // Whether a string passes.
  bool Accepts(const std::string& s) const;
  // Human text such as "> 0", "in [0, 1]", "one of tanh|relu"; empty when unconstrained.
  std::string ToString() const;
};

// One documented field, as listed by `config describe`.
struct FieldDoc {
  std::string key;   // dotted key
  std::string type;  // "int", "float", "bool", "string", "list of int", ...
  std::string default_value;
  std::string check;  // Check::ToString()
  std::string doc;    // one line
};

// A visitor that accepts any field; only used to detect config structs.
struct FieldProbe {
  template <class... A>
  void operator()(A&&...) {}
};

// A config struct: it lists its fields with `template <class V> void Fields(V& v)`.
template <class T>
concept HasFields = requires(T t, FieldProbe& p) {
  t.Fields(p);
};

// A list of config structs (e.g. HERON's `factors: [{term: angle}, ...]`).
template <class T>
concept ListOfStructs = requires { typename T::value_type; } &&
                        std::is_same_v<T, std::vector<typename T::value_type>> &&
                        HasFields<typename T::value_type>;

namespace config_detail {

// Parses a scalar node into T or throws UserError naming where and which key.
void Parse(const ConfigNode& n, const std::string& key, bool& out);
void Parse(const ConfigNode& n, const std::string& key, int& out);
void Parse(const ConfigNode& n, const std::string& key, int64_t& out);
void Parse(const ConfigNode& n, const std::string& key, uint64_t& out);
void Parse(const ConfigNode& n, const std::string& key, double& out);
void Parse(const ConfigNode& n, const std::string& key, std::string& out);
void Parse(const ConfigNode& n, const std::string& key, ConfigNode& out);
// Throws UserError when `v` is infinite and `c` does not allow it.
void RejectInfinity(double v, const Check& c, const ConfigNode& n, const std::string& key);
template <class T>
void Parse(const ConfigNode& n, const std::string& key, std::vector<T>& out) {
  if (!n.IsSeq())
    throw UserError(n.loc.ToString() + ": key '" + key + "': expected a list, e.g. [1, 2]");
  out.clear();
  for (size_t i = 0; i < n.seq.size(); ++i) {
    T v{};
    Parse(n.seq[i], key + "[" + std::to_string(i) + "]", v);
    out.push_back(v);
  }
}

// Text of a value for documentation and the resolved config.
std::string Text(bool v);
std::string Text(int v);
std::string Text(int64_t v);
std::string Text(uint64_t v);
std::string Text(double v);
std::string Text(const std::string& v);

// Type names for documentation.
template <class T>
std::string TypeName() {
  if constexpr (std::is_same_v<T, bool>)
    return "bool";
  else if constexpr (std::is_integral_v<T>)
    return "int";
  else if constexpr (std::is_floating_point_v<T>)
    return "float";
  else if constexpr (std::is_same_v<T, std::string>)
    return "string";
  else if constexpr (std::is_same_v<T, ConfigNode>)
    return "map";
  else
    return "list of " + TypeName<typename T::value_type>();
}

// Applies a Check to a parsed value.
template <class T>
void Validate(const T& v, const Check& c, const ConfigNode& n, const std::string& key) {
  if constexpr (std::is_arithmetic_v<T> && !std::is_same_v<T, bool>) {
    if constexpr (std::is_floating_point_v<T>) RejectInfinity(v, c, n, key);
    if (!c.Accepts(static_cast<double>(v))) {
      throw UserError(n.loc.ToString() + ": key '" + key + "': " + Text(v) +
                      " is out of range; it must be " + c.ToString());
    }
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (!c.Accepts(v)) {
      throw UserError(n.loc.ToString() + ": key '" + key + "': '" + v + "' is not allowed; use " +
                      c.ToString() + DidYouMean(v, c.choices));
    }
  } else if constexpr (!std::is_same_v<T, bool> && !std::is_same_v<T, ConfigNode>) {
    for (size_t i = 0; i < v.size(); ++i)
      Validate(v[i], c, n.IsSeq() && i < n.seq.size() ? n.seq[i] : n, key);
  }
}

// A ConfigNode holding a value.
template <class T>
ConfigNode ToNodeValue(const T& v) {
  if constexpr (std::is_same_v<T, ConfigNode>) {
    return v;
  } else if constexpr (std::is_arithmetic_v<T> || std::is_same_v<T, std::string>) {
    return ConfigNode::Scalar(Text(v));
  } else {
    ConfigNode n;
    n.kind = ConfigNode::Kind::kSeq;
    for (const auto& x : v) n.seq.push_back(ToNodeValue(x));
    return n;
  }
}

std::string Join(const std::string& prefix, std::string_view name);

}  // namespace config_detail

// Reads the fields of one config struct from a map node. Used through ReadConfig.
class ConfigReader {
 public:
  // `node` is the struct's map (or null: all defaults); `prefix` its dotted key ("" at the root).
  ConfigReader(const ConfigNode& node, std::string prefix);

  // Reads field `name` if present; nested structs recurse.
  template <class T>
  void operator()(std::string_view name, T& field, std::string_view /*doc*/,
                  const Check& check = {}) {
    const std::string key = config_detail::Join(prefix_, name);
    used_.emplace_back(name);
    const ConfigNode* n = node_.Find(name);
    if (!n) return;
    if constexpr (HasFields<T>) {
      if (!n->IsMap() && !n->IsNull())
        throw UserError(n->loc.ToString() + ": key '" + key + "': expected a map");
      ConfigReader sub(*n, key);
      field.Fields(sub);
      sub.Finish();
    } else if constexpr (ListOfStructs<T>) {
      if (!n->IsSeq()) {
        throw UserError(n->loc.ToString() + ": key '" + key + "': expected a list of maps, e.g. " +
                        "[{...}, {...}]");
      }
      field.clear();
      for (size_t i = 0; i < n->seq.size(); ++i) {
        const std::string item_key = key + "[" + std::to_string(i) + "]";
        const ConfigNode& item = n->seq[i];
        if (!item.IsMap()) {
          throw UserError(item.loc.ToString() + ": key '" + item_key + "': expected a map");
        }
        field.emplace_back();
        ConfigReader sub(item, item_key);
        field.back().Fields(sub);
        sub.Finish();
      }
    } else {
      if (n->IsNull() && !std::is_same_v<T, ConfigNode>) {
        throw UserError(n->loc.ToString() + ": key '" + key +
                        "': has no value; remove it or give one");
      }
      config_detail::Parse(*n, key, field);
      config_detail::Validate(field, check, *n, key);
    }
  }
  // Throws UserError for the first key that no field claimed.
  void Finish() const;

 private:
  const ConfigNode& node_;
  std::string prefix_;
  std::vector<std::string> used_;
};

// Writes the fields of a config struct into a map node (the resolved config).
class ConfigWriter {
 public:
  ConfigNode node;  // the map being built

  ConfigWriter() { node.kind = ConfigNode::Kind::kMap; }
  template <class T>
  void operator()(std::string_view name, const T& field, std::string_view /*doc*/,
                  const Check& = {}) {
    if constexpr (HasFields<T>) {
      ConfigWriter sub;
      const_cast<T&>(field).Fields(sub);
      node.Set(name, std::move(sub.node));
    } else if constexpr (ListOfStructs<T>) {
      ConfigNode list;
      list.kind = ConfigNode::Kind::kSeq;
      for (const auto& item : field) {
        ConfigWriter sub;
        const_cast<typename T::value_type&>(item).Fields(sub);
        list.seq.push_back(std::move(sub.node));
      }
      node.Set(name, std::move(list));
    } else {
      node.Set(name, config_detail::ToNodeValue(field));
    }
  }
};

// Lists the fields of a config struct with their defaults.
class ConfigDescriber {
 public:
  std::vector<FieldDoc> rows;  // one per leaf field, nested structs flattened with dotted keys

  explicit ConfigDescriber(std::string prefix = "") : prefix_(std::move(prefix)) {}
  template <class T>
  void operator()(std::string_view name, const T& field, std::string_view doc,
                  const Check& check = {}) {
    const std::string key = config_detail::Join(prefix_, name);
    if constexpr (HasFields<T>) {
      ConfigDescriber sub(key);
      const_cast<T&>(field).Fields(sub);
      rows.insert(rows.end(), sub.rows.begin(), sub.rows.end());
    } else if constexpr (ListOfStructs<T>) {
      // the list itself, then the fields of one item with their defaults
      ConfigWriter list;
      list(name, field, doc);
      rows.push_back({key, "list of maps", DescribeDefault(*list.node.Find(name)), check.ToString(),
                      std::string(doc)});
      ConfigDescriber sub(key + "[]");
      typename T::value_type item{};
      item.Fields(sub);
      rows.insert(rows.end(), sub.rows.begin(), sub.rows.end());
    } else {
      rows.push_back({key, config_detail::TypeName<T>(),
                      DescribeDefault(config_detail::ToNodeValue(field)), check.ToString(),
                      std::string(doc)});
    }
  }

 private:
  // A default value as one line of YAML.
  static std::string DescribeDefault(const ConfigNode& value) {
    std::string def = value.IsNull() ? "{}" : value.ToYaml();
    while (!def.empty() && def.back() == '\n') def.pop_back();
    return def;
  }

  std::string prefix_;
};

// Reads `node` into a copy of `defaults`, checking types, ranges and unknown keys.
template <class C>
C ReadConfig(const ConfigNode& node, const std::string& prefix, C defaults = {}) {
  if (!node.IsMap() && !node.IsNull()) {
    throw UserError(node.loc.ToString() + ": key '" + (prefix.empty() ? "<root>" : prefix) +
                    "': expected a map");
  }
  ConfigReader r(node, prefix);
  defaults.Fields(r);
  r.Finish();
  return defaults;
}

// The resolved config as a map node.
template <class C>
ConfigNode ToNode(const C& config) {
  ConfigWriter w;
  const_cast<C&>(config).Fields(w);
  return w.node;
}

// Field documentation of a config struct, defaults taken from `defaults`.
template <class C>
std::vector<FieldDoc> Describe(const C& defaults = {}, const std::string& prefix = "") {
  ConfigDescriber d(prefix);
  const_cast<C&>(defaults).Fields(d);
  return d.rows;
}

// Renders field docs as an aligned table.
std::string FormatFieldDocs(const std::vector<FieldDoc>& rows);

}  // namespace rl

#endif  // REWARDLAB_CORE_CONFIG_H_
