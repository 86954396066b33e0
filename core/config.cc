#include "core/config.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <sstream>

namespace rl {
namespace config_detail {
namespace {

[[noreturn]] void TypeError(const ConfigNode& n, const std::string& key, const char* want) {
  std::string got = n.IsScalar() ? "'" + n.scalar + "'"
                    : n.IsMap()  ? "a map"
                    : n.IsSeq()  ? "a list"
                                 : "nothing";
  throw UserError(n.loc.ToString() + ": key '" + key + "': expected " + want + ", got " + got);
}

const std::string& ScalarOf(const ConfigNode& n, const std::string& key, const char* want) {
  if (!n.IsScalar()) TypeError(n, key, want);
  return n.scalar;
}

template <class I>
I ParseInt(const ConfigNode& n, const std::string& key) {
  const std::string& s = ScalarOf(n, key, "an integer");
  I v{};
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec == std::errc() && ptr == s.data() + s.size()) return v;
  // accept integral floats written as 1e6 or 100000.0; I's range is [lo, hi)
  char* end = nullptr;
  const double d = std::strtod(s.c_str(), &end);
  const bool number = !s.empty() && end == s.c_str() + s.size() && !std::isnan(d);
  const double lo = static_cast<double>(std::numeric_limits<I>::min());
  const double hi = std::ldexp(1.0, std::numeric_limits<I>::digits);
  const bool whole = ec == std::errc::result_out_of_range && ptr == s.data() + s.size();
  if (whole || (number && (d < lo || d >= hi))) {
    const bool below = whole ? s[0] == '-' : d < lo;
    const std::string type = std::is_same_v<I, int> ? " for int" : "";
    throw UserError(n.loc.ToString() + ": key '" + key + "': " + s + " is out of range" + type +
                    (below ? " (min " + std::to_string(std::numeric_limits<I>::min())
                           : " (max " + std::to_string(std::numeric_limits<I>::max())) +
                    ")");
  }
  if (number && std::floor(d) == d) return static_cast<I>(d);
  TypeError(n, key, "an integer");
}

}  // namespace

void Parse(const ConfigNode& n, const std::string& key, bool& out) {
  const std::string& s = ScalarOf(n, key, "true or false");
  if (s == "true" || s == "True" || s == "TRUE")
    out = true;
  else if (s == "false" || s == "False" || s == "FALSE")
    out = false;
  else
    TypeError(n, key, "true or false");
}

void Parse(const ConfigNode& n, const std::string& key, int& out) { out = ParseInt<int>(n, key); }
void Parse(const ConfigNode& n, const std::string& key, int64_t& out) {
  out = ParseInt<int64_t>(n, key);
}
void Parse(const ConfigNode& n, const std::string& key, uint64_t& out) {
  if (n.IsScalar() && !n.scalar.empty() && n.scalar[0] == '-')
    TypeError(n, key, "a non-negative integer");
  out = ParseInt<uint64_t>(n, key);
}

void Parse(const ConfigNode& n, const std::string& key, double& out) {
  const std::string& s = ScalarOf(n, key, "a number");
  // YAML spellings of infinity and NaN; NaN is never a valid setting
  if (s == ".inf" || s == ".Inf" || s == "+.inf") {
    out = std::numeric_limits<double>::infinity();
    return;
  }
  if (s == "-.inf" || s == "-.Inf") {
    out = -std::numeric_limits<double>::infinity();
    return;
  }
  std::string lower = s;
  for (char& c : lower) c = static_cast<char>(std::tolower(c));
  if (lower.find("nan") != std::string::npos || lower.find("inf") != std::string::npos) {
    throw UserError(n.loc.ToString() + ": key '" + key + "': '" + s +
                    "' is not a valid value (NaN or a non-YAML infinity); give a finite number");
  }
  // denormals (4.9e-324) are fine; strtod's ERANGE on them is not an error
  char* end = nullptr;
  out = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size()) TypeError(n, key, "a number");
  if (!std::isfinite(out)) {
    throw UserError(n.loc.ToString() + ": key '" + key + "': " + s +
                    " is out of range; a float is at most 1.7976931348623157e308 in magnitude");
  }
}

void RejectInfinity(double v, const Check& c, const ConfigNode& n, const std::string& key) {
  if (std::isinf(v) && !c.allow_inf) {
    throw UserError(n.loc.ToString() + ": key '" + key + "': " + Text(v) +
                    " is not allowed here; give a finite number");
  }
}

void Parse(const ConfigNode& n, const std::string& key, std::string& out) {
  out = ScalarOf(n, key, "a string");
}

void Parse(const ConfigNode& n, const std::string& /*key*/, ConfigNode& out) { out = n; }

std::string Text(bool v) { return v ? "true" : "false"; }
std::string Text(int v) { return std::to_string(v); }
std::string Text(int64_t v) { return std::to_string(v); }
std::string Text(uint64_t v) { return std::to_string(v); }
std::string Text(const std::string& v) { return v; }
std::string Text(double v) {
  if (std::isinf(v)) return v > 0 ? ".inf" : "-.inf";
  // shortest text that reads back to the same double
  char buf[32];
  for (int precision = 6; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof(buf), "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  std::string s = buf;
  if (s.find_first_of(".en") == std::string::npos) s += ".0";
  return s;
}

std::string Join(const std::string& prefix, std::string_view name) {
  return prefix.empty() ? std::string(name) : prefix + "." + std::string(name);
}

}  // namespace config_detail

bool Check::Accepts(double x) const {
  if (std::isnan(x)) return false;
  const bool lo_ok = lo_open ? x > lo : x >= lo;
  const bool hi_ok = hi_open ? x < hi : x <= hi;
  return lo_ok && hi_ok;
}

bool Check::Accepts(const std::string& s) const {
  if (choices.empty()) return true;
  for (const auto& c : choices) {
    if (c == s) return true;
  }
  return false;
}

std::string Check::ToString() const {
  // bounds read best without a forced ".0": "in [1, 65536]"
  auto Text = [](double x) {
    if (std::floor(x) == x && std::abs(x) < 1e15) return std::to_string(static_cast<int64_t>(x));
    std::string t = config_detail::Text(x);
    return t.size() > 2 && t.ends_with(".0") ? t.substr(0, t.size() - 2) : t;
  };
  if (!choices.empty()) {
    std::string s = "one of ";
    for (size_t i = 0; i < choices.size(); ++i) s += (i ? "|" : "") + choices[i];
    return s;
  }
  const bool has_lo = std::isfinite(lo), has_hi = std::isfinite(hi);
  if (has_lo && has_hi)
    return std::string("in ") + (lo_open ? "(" : "[") + Text(lo) + ", " + Text(hi) +
           (hi_open ? ")" : "]");
  if (has_lo) return (lo_open ? "> " : ">= ") + Text(lo);
  if (has_hi) return (hi_open ? "< " : "<= ") + Text(hi);
  return allow_inf ? "a number, .inf or -.inf for no bound" : "";
}

ConfigReader::ConfigReader(const ConfigNode& node, std::string prefix)
    : node_(node), prefix_(std::move(prefix)) {}

void ConfigReader::Finish() const {
  for (const auto& [k, v] : node_.map) {
    bool known = false;
    for (const auto& u : used_) known = known || u == k;
    if (!known) {
      throw UserError(v.loc.ToString() + ": unknown key '" + config_detail::Join(prefix_, k) + "'" +
                      DidYouMean(k, used_) + "; see `rewardlab config describe`");
    }
  }
}

std::string FormatFieldDocs(const std::vector<FieldDoc>& rows) {
  size_t wk = 3, wt = 4, wd = 7;
  for (const auto& r : rows) {
    wk = std::max(wk, r.key.size());
    wt = std::max(wt, r.type.size());
    wd = std::max(wd, std::min<size_t>(r.default_value.size(), 24));
  }
  std::ostringstream os;
  auto pad = [](const std::string& s, size_t w) {
    return s + std::string(w > s.size() ? w - s.size() : 1, ' ');
  };
  os << pad("key", wk + 2) << pad("type", wt + 2) << pad("default", wd + 2) << "doc\n";
  for (const auto& r : rows) {
    os << pad(r.key, wk + 2) << pad(r.type, wt + 2) << pad(r.default_value, wd + 2) << r.doc;
    if (!r.check.empty()) os << " [" << r.check << "]";
    os << "\n";
  }
  return os.str();
}

}  // namespace rl
