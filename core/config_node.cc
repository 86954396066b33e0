#include "core/config_node.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <unordered_map>
#include <unordered_set>

#include "core/error.h"
#include "core/yaml_guard.h"

namespace rl {

ConfigNode::ConfigNode() = default;
ConfigNode::ConfigNode(const ConfigNode&) = default;
ConfigNode::ConfigNode(ConfigNode&&) noexcept = default;
ConfigNode& ConfigNode::operator=(const ConfigNode&) = default;
ConfigNode& ConfigNode::operator=(ConfigNode&&) noexcept = default;
ConfigNode::~ConfigNode() = default;
namespace {

// Counts what a conversion produced; yaml-cpp shares aliased nodes, so an alias bomb only
// expands here.
struct Conversion {
  const std::string& file;
  const std::string& text;
  int64_t nodes = 0;
  int64_t text_bytes = 0;
};

std::string Where(const std::string& file, const YAML::Mark& mark) {
  return mark.line >= 0 ? file + ":" + std::to_string(mark.line + 1) : file;
}

// yaml-cpp accepts a block value whose quoted string runs into the end of the text; this finds it.
void RequireClosedQuote(const YAML::Node& y, const Conversion& c) {
  const int pos = y.Mark().pos;
  if (y.Tag() != "!" || pos < 0 || static_cast<size_t>(pos) >= c.text.size()) return;
  const char quote = c.text[pos];
  if (quote != '"' && quote != '\'') return;
  for (size_t i = pos + 1; i < c.text.size(); ++i) {
    if (quote == '"' && c.text[i] == '\\') {
      ++i;
    } else if (c.text[i] == quote) {
      if (quote == '"' || i + 1 >= c.text.size() || c.text[i + 1] != '\'') return;
      ++i;  // '' is an escaped single quote
    }
  }
  throw UserError(Where(c.file, y.Mark()) +
                  ": invalid YAML: the quoted string opened here has no closing " +
                  std::string(1, quote) + "; close it");
}

ConfigNode FromYaml(const YAML::Node& y, Conversion& c, int depth) {
  if (depth > kMaxConfigDepth) {
    throw UserError(Where(c.file, y.Mark()) + ": nesting deeper than " +
                    std::to_string(kMaxConfigDepth) + " levels; flatten the config");
  }
  if (++c.nodes > kMaxConfigNodes) {
    throw UserError(Where(c.file, y.Mark()) + ": too many nodes (more than " +
                    std::to_string(kMaxConfigNodes) +
                    "; alias expansion?); write the values out or split the file");
  }
  ConfigNode n;
  n.loc = {c.file, y.Mark().line >= 0 ? y.Mark().line + 1 : 0};
  switch (y.Type()) {
    case YAML::NodeType::Scalar:
      n.kind = ConfigNode::Kind::kScalar;
      c.text_bytes += static_cast<int64_t>(y.Scalar().size());
      if (c.text_bytes > kMaxConfigBytes * 4) {
        throw UserError(Where(c.file, y.Mark()) + ": more than " +
                        std::to_string(kMaxConfigBytes * 4 >> 20) +
                        " MiB of values (alias expansion?); write the values out");
      }
      RequireClosedQuote(y, c);
      n.scalar = y.Scalar();
      break;
    case YAML::NodeType::Sequence:
      n.kind = ConfigNode::Kind::kSeq;
      for (const auto& item : y) n.seq.push_back(FromYaml(item, c, depth + 1));
      break;
    case YAML::NodeType::Map: {
      n.kind = ConfigNode::Kind::kMap;
      std::unordered_set<std::string> keys;
      for (const auto& kv : y) {
        if (!kv.first.IsScalar()) {
          throw UserError(Where(c.file, kv.first.Mark()) +
                          ": a key must be plain text, not a list or a map");
        }
        RequireClosedQuote(kv.first, c);
        const std::string key = kv.first.Scalar();
        if (!keys.insert(key).second) {
          throw UserError(c.file + ":" + std::to_string(kv.first.Mark().line + 1) +
                          ": duplicate key '" + key + "'; keep one of them");
        }
        ConfigNode child = FromYaml(kv.second, c, depth + 1);
        if (child.IsNull()) child.loc.line = kv.first.Mark().line + 1;
        n.map.emplace_back(key, std::move(child));
      }
      break;
    }
    default:
      break;
  }
  return n;
}

// The 1-based line of the `---` that starts document `doc` (the line of its first node when
// there is no marker).
int SecondDocumentLine(const std::string& text, const YAML::Node& doc) {
  std::vector<size_t> starts{0};
  for (size_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n') starts.push_back(i + 1);
  int line = doc.Mark().line >= 0 ? doc.Mark().line : static_cast<int>(starts.size()) - 1;
  for (int l = std::min(line, static_cast<int>(starts.size()) - 1); l > 0; --l) {
    if (text.compare(starts[l], 3, "---") == 0) return l + 1;
  }
  return line + 1;
}

// Reads a config file after checking it is a regular file of bounded size.
std::string ReadConfigText(const std::filesystem::path& path, const std::string& where) {
  namespace fs = std::filesystem;
  const std::string name = path.string();
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (ec || !fs::exists(status))
    throw UserError(where + "cannot read config file '" + name + "' (check the path)");
  if (fs::is_directory(status))
    throw UserError(where + "'" + name + "' is a folder; name a YAML config file");
  if (!fs::is_regular_file(status))
    throw UserError(where + "'" + name + "' is not a regular file; name a YAML config file");
  const uintmax_t size = fs::file_size(path, ec);
  if (ec || size > static_cast<uintmax_t>(kMaxConfigBytes)) {
    throw UserError(where + "'" + name + "' is larger than " +
                    std::to_string(kMaxConfigBytes >> 20) +
                    " MiB; a config file is a few KiB (see experiments/configs/)");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UserError(where + "cannot read config file '" + name + "' (check the path)");
  std::string text(static_cast<size_t>(size), '\0');
  in.read(text.data(), static_cast<std::streamsize>(size));
  text.resize(static_cast<size_t>(in.gcount()));
  return text;
}

void Emit(const ConfigNode& n, YAML::Emitter& out) {
  switch (n.kind) {
    case ConfigNode::Kind::kNull:
      out << YAML::Null;
      break;
    case ConfigNode::Kind::kScalar:
      out << n.scalar;
      break;
    case ConfigNode::Kind::kSeq: {
      // short scalar lists read best inline: [64, 64]
      bool flat = true;
      for (const auto& item : n.seq) flat = flat && item.IsScalar();
      if (flat) out << YAML::Flow;
      out << YAML::BeginSeq;
      for (const auto& item : n.seq) Emit(item, out);
      out << YAML::EndSeq;
      break;
    }
    case ConfigNode::Kind::kMap:
      out << YAML::BeginMap;
      for (const auto& [k, v] : n.map) {
        out << YAML::Key << k << YAML::Value;
        Emit(v, out);
      }
      out << YAML::EndMap;
      break;
  }
}

ConfigNode LoadResolved(const std::filesystem::path& path, std::vector<std::string>& chain) {
  const std::string name = path.string();
  for (const auto& c : chain) {
    if (c == name)
      throw UserError(name + ": 'extends' cycle (" + chain.front() + " -> ... -> " + name + ")");
  }
  const std::string text = ReadConfigText(path, "");
  ConfigNode node = ParseYaml(text, name);
  if (node.IsNull()) {
    throw UserError(name +
                    ": empty config (no settings, only blank lines or comments); write at least "
                    "one key, or {} for all defaults; see experiments/configs/ for examples");
  }
  if (!node.IsMap()) throw UserError(node.loc.ToString() + ": a config file must be a YAML map");

  // resolve parents first, then lay this file over them
  const ConfigNode* ext = node.Find("extends");
  if (!ext) return node;
  std::vector<const ConfigNode*> parents;
  if (ext->IsScalar())
    parents.push_back(ext);
  else if (ext->IsSeq())
    for (const auto& p : ext->seq) parents.push_back(&p);
  for (const ConfigNode* p : parents) {
    if (!p->IsScalar())
      throw UserError(p->loc.ToString() +
                      ": key 'extends': expected a file path or a list of paths");
  }
  if (parents.empty())
    throw UserError(ext->loc.ToString() +
                    ": key 'extends': expected a file path or a list of paths");
  chain.push_back(name);
  ConfigNode merged;
  merged.kind = ConfigNode::Kind::kMap;
  for (const ConfigNode* p : parents) {
    std::filesystem::path ppath = path.parent_path() / p->scalar;
    if (!std::filesystem::exists(ppath)) {
      throw UserError(p->loc.ToString() + ": key 'extends': no such file '" + ppath.string() + "'");
    }
    ReadConfigText(ppath, p->loc.ToString() + ": key 'extends': ");
    MergeInto(merged, LoadResolved(ppath, chain));
  }
  chain.pop_back();
  node.Erase("extends");
  MergeInto(merged, node);
  return merged;
}

}  // namespace

std::string SourceLoc::ToString() const {
  if (line > 0) return file + ":" + std::to_string(line);
  return file.empty() ? "<config>" : file;
}

const ConfigNode* ConfigNode::Find(std::string_view key) const {
  for (const auto& [k, v] : map) {
    if (k == key) return &v;
  }
  return nullptr;
}

ConfigNode* ConfigNode::Find(std::string_view key) {
  return const_cast<ConfigNode*>(static_cast<const ConfigNode*>(this)->Find(key));
}

ConfigNode& ConfigNode::Set(std::string_view key, ConfigNode value) {
  if (IsNull()) kind = Kind::kMap;
  if (ConfigNode* existing = Find(key)) return *existing = std::move(value);
  map.emplace_back(std::string(key), std::move(value));
  return map.back().second;
}

void ConfigNode::Erase(std::string_view key) {
  std::erase_if(map, [&](const auto& kv) { return kv.first == key; });
}

ConfigNode ConfigNode::Scalar(std::string text, SourceLoc loc) {
  ConfigNode n;
  n.kind = Kind::kScalar;
  n.scalar = std::move(text);
  n.loc = std::move(loc);
  return n;
}

std::string ConfigNode::ToYaml() const {
  YAML::Emitter out;
  Emit(*this, out);
  return std::string(out.c_str()) + "\n";
}

ConfigNode ParseYaml(const std::string& text, const std::string& file) {
  if (text.size() > static_cast<size_t>(kMaxConfigBytes)) {
    throw UserError(file + ": larger than " + std::to_string(kMaxConfigBytes >> 20) +
                    " MiB; a config is a few KiB");
  }
  try {
    RejectYamlCppHazards(text, file);
    const std::vector<YAML::Node> docs = YAML::LoadAll(text);
    if (docs.size() > 1) {
      throw UserError(file + ":" + std::to_string(SecondDocumentLine(text, docs[1])) +
                      ": a second YAML document ('---'); a config is one document, remove it");
    }
    Conversion c{file, text};
    return docs.empty() ? ConfigNode{} : FromYaml(docs[0], c, 0);
  } catch (const YAML::DeepRecursion& e) {
    throw UserError(file + ":" + std::to_string(e.mark.line + 1) + ": nesting deeper than " +
                    std::to_string(kMaxConfigDepth) + " levels; flatten the config");
  } catch (const YAML::Exception& e) {
    throw UserError(file + ":" + std::to_string(e.mark.line + 1) + ": invalid YAML: " + e.msg);
  }
}

ConfigNode LoadConfigFile(const std::string& path) {
  std::vector<std::string> chain;
  return LoadResolved(path, chain);
}

void MergeInto(ConfigNode& base, const ConfigNode& over) {
  if (base.IsMap() && over.IsMap()) {
    // an index keeps merging two large maps linear
    std::unordered_map<std::string, size_t> index;
    for (size_t i = 0; i < base.map.size(); ++i) index.emplace(base.map[i].first, i);
    for (const auto& [k, v] : over.map) {
      const auto it = index.find(k);
      if (it != index.end()) {
        MergeInto(base.map[it->second].second, v);
      } else {
        index.emplace(k, base.map.size());
        base.map.emplace_back(k, v);
      }
    }
    return;
  }
  base = over;
}

void ApplyOverride(ConfigNode& root, std::string_view assignment) {
  const size_t eq = assignment.find('=');
  const std::string text(assignment);
  if (eq == std::string_view::npos || eq == 0) {
    throw UserError("--set " + text + ": expected key=value, e.g. --set env.num_envs=4");
  }
  const std::string key(assignment.substr(0, eq));
  const std::string value(assignment.substr(eq + 1));
  ConfigNode parsed = ParseYaml(value, "--set " + key);
  parsed.loc = {"--set " + key, 0};
  for (auto& item : parsed.seq) item.loc = parsed.loc;
  for (auto& [k, v] : parsed.map) v.loc = parsed.loc;

  // walk down the dotted path, creating maps on the way; `name[i]` steps into item i of a list
  ConfigNode* node = &root;
  size_t start = 0;
  while (true) {
    const size_t dot = key.find('.', start);
    std::string part =
        key.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (part.empty()) throw UserError("--set " + text + ": empty key segment in '" + key + "'");
    if (!node->IsMap() && !node->IsNull()) {
      throw UserError("--set " + text + ": '" + key.substr(0, start ? start - 1 : 0) +
                      "' is not a map");
    }
    int index = -1;
    const size_t bracket = part.find('[');
    if (bracket != std::string::npos && bracket > 0 && part.back() == ']') {
      const std::string digits = part.substr(bracket + 1, part.size() - bracket - 2);
      if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) {
        throw UserError("--set " + text + ": '" + part + "' needs a list index, e.g. " +
                        part.substr(0, bracket) + "[0]");
      }
      index = std::stoi(digits);
      part = part.substr(0, bracket);
    }
    if (index >= 0) {
      // an existing list item only: an index never creates items
      ConfigNode* list = node->Find(part);
      if (!list || !list->IsSeq() || index >= static_cast<int>(list->seq.size())) {
        const int size = list && list->IsSeq() ? static_cast<int>(list->seq.size()) : 0;
        throw UserError("--set " + text + ": '" + part + "' has no item " + std::to_string(index) +
                        " (" + std::to_string(size) + " items)");
      }
      if (dot == std::string::npos) {
        list->seq[index] = std::move(parsed);
        return;
      }
      node = &list->seq[index];
      start = dot + 1;
      continue;
    }
    if (dot == std::string::npos) {
      node->Set(part, std::move(parsed));
      return;
    }
    ConfigNode* next = node->Find(part);
    if (!next) {
      ConfigNode empty;
      empty.kind = ConfigNode::Kind::kMap;
      empty.loc = {"--set " + key, 0};
      next = &node->Set(part, std::move(empty));
    }
    node = next;
    start = dot + 1;
  }
}

}  // namespace rl
