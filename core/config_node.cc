#include "core/config_node.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.h"

namespace rl {
namespace {

ConfigNode FromYaml(const YAML::Node& y, const std::string& file) {
  ConfigNode n;
  n.loc = {file, y.Mark().line >= 0 ? y.Mark().line + 1 : 0};
  switch (y.Type()) {
    case YAML::NodeType::Scalar:
      n.kind = ConfigNode::Kind::kScalar;
      n.scalar = y.Scalar();
      break;
    case YAML::NodeType::Sequence:
      n.kind = ConfigNode::Kind::kSeq;
      for (const auto& item : y) n.seq.push_back(FromYaml(item, file));
      break;
    case YAML::NodeType::Map:
      n.kind = ConfigNode::Kind::kMap;
      for (const auto& kv : y) {
        const std::string key = kv.first.Scalar();
        if (n.Find(key)) {
          throw UserError(file + ":" + std::to_string(kv.first.Mark().line + 1) +
                          ": duplicate key '" + key + "'; keep one of them");
        }
        ConfigNode child = FromYaml(kv.second, file);
        if (child.IsNull()) child.loc.line = kv.first.Mark().line + 1;
        n.map.emplace_back(key, std::move(child));
      }
      break;
    default:
      break;
  }
  return n;
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
  std::ifstream in(path);
  if (!in) throw UserError(name + ": cannot read config file (check the path)");
  std::stringstream text;
  text << in.rdbuf();
  ConfigNode node = ParseYaml(text.str(), name);
  if (node.IsNull()) node.kind = ConfigNode::Kind::kMap;
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
  try {
    return FromYaml(YAML::Load(text), file);
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
    for (const auto& [k, v] : over.map) {
      if (ConfigNode* b = base.Find(k))
        MergeInto(*b, v);
      else
        base.map.emplace_back(k, v);
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

  // walk down the dotted path, creating maps on the way
  ConfigNode* node = &root;
  size_t start = 0;
  while (true) {
    const size_t dot = key.find('.', start);
    const std::string part =
        key.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (part.empty()) throw UserError("--set " + text + ": empty key segment in '" + key + "'");
    if (!node->IsMap() && !node->IsNull()) {
      throw UserError("--set " + text + ": '" + key.substr(0, start ? start - 1 : 0) +
                      "' is not a map");
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
