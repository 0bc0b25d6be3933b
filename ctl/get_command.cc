#include "ctl/get_command.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "api/yaml.h"
#include "ctl/resource_path.h"

namespace skiff::ctl {
namespace {

using nlohmann::json;

constexpr const char* kTableAccept = "application/json;as=Table;v=v1;g=meta.k8s.io, application/json";

struct GetArgs {
  std::string resource, name, selector, output;
  bool all_namespaces = false;
};

// Returns false after one line on err.
bool ParseGetArgs(const std::vector<std::string>& args, GetArgs& out, std::ostream& err) {
  std::vector<std::string> positional;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](const char* shortf, const char* longf, std::string& target) {
      std::string l = longf;
      if (a.rfind(l + "=", 0) == 0) return target = a.substr(l.size() + 1), true;
      if (a == shortf || a == l) {
        if (i + 1 >= args.size()) return false;
        target = args[++i];
        return true;
      }
      return false;
    };
    if (a == "-A" || a == "--all-namespaces") {
      out.all_namespaces = true;
    } else if (value("-l", "--selector", out.selector) || value("-o", "--output", out.output)) {
    } else if (!a.empty() && a[0] == '-') {
      err << "skiffctl get: unknown or incomplete flag \"" << a << "\" (flags: -A -l SELECTOR -o json|yaml|name)\n";
      return false;
    } else {
      positional.push_back(a);
    }
  }
  if (positional.empty() || positional.size() > 2) {
    err << "skiffctl get: want RESOURCE [NAME]\n";
    return false;
  }
  out.resource = positional[0];
  if (size_t slash = out.resource.find('/'); slash != std::string::npos && positional.size() == 1) {
    out.name = out.resource.substr(slash + 1);
    out.resource.resize(slash);
  } else if (positional.size() == 2) {
    out.name = positional[1];
  }
  if (!out.output.empty() && out.output != "json" && out.output != "yaml" && out.output != "name") {
    err << "skiffctl get: -o wants json, yaml or name, got \"" << out.output << "\"\n";
    return false;
  }
  return true;
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string CellText(const json& cell) {
  if (cell.is_string()) return cell.get<std::string>();
  if (cell.is_null()) return "<none>";
  return cell.dump();
}

void PrintTable(const json& table, bool namespace_column, std::ostream& out) {
  std::vector<size_t> columns;
  std::vector<std::vector<std::string>> lines(1);
  if (namespace_column) lines[0].push_back("NAMESPACE");
  const json& defs = table.value("columnDefinitions", json::array());
  for (size_t i = 0; i < defs.size(); ++i) {
    if (defs[i].value("priority", 0) != 0) continue;
    columns.push_back(i);
    std::string name = defs[i].value("name", "");
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::toupper(c); });
    lines[0].push_back(name);
  }
  for (const json& row : table.value("rows", json::array())) {
    std::vector<std::string> line;
    if (namespace_column) {
      const json& meta = row.value("object", json::object()).value("metadata", json::object());
      line.push_back(meta.value("namespace", ""));
    }
    const json& cells = row.value("cells", json::array());
    for (size_t c : columns) line.push_back(c < cells.size() ? CellText(cells[c]) : "");
    lines.push_back(std::move(line));
  }
  std::vector<size_t> width(lines[0].size(), 0);
  for (const auto& line : lines) {
    for (size_t i = 0; i < line.size(); ++i) width[i] = std::max(width[i], line[i].size());
  }
  for (const auto& line : lines) {
    std::string text;
    for (size_t i = 0; i < line.size(); ++i) {
      text += line[i];
      if (i + 1 < line.size()) text += std::string(width[i] - line[i].size() + 3, ' ');
    }
    out << text << "\n";
  }
}

void PrintNames(const json& body, const api::KindInfo& kind, std::ostream& out) {
  std::string prefix = Lower(kind.kind) + (kind.group.empty() ? "" : "." + kind.group) + "/";
  auto print = [&](const json& obj) {
    out << prefix << obj.value("metadata", json::object()).value("name", "") << "\n";
  };
  if (body.contains("items")) {
    for (const json& item : body["items"]) print(item);
  } else {
    print(body);
  }
}

// A list answer as kubectl shows it with -o json/yaml: kind List, items with their kind.
json AsList(json body, const api::KindInfo& kind) {
  json items = json::array();
  for (json& item : body["items"]) {
    item["apiVersion"] = kind.ApiVersion();
    item["kind"] = kind.kind;
    items.push_back(std::move(item));
  }
  return {{"apiVersion", "v1"}, {"items", std::move(items)}, {"kind", "List"}, {"metadata", {{"resourceVersion", ""}}}};
}

bool IsEmpty(const json& body) {
  if (body.contains("rows")) return body["rows"].empty();
  return body.contains("items") && body["items"].empty();
}

}  // namespace

int RunGet(const GlobalFlags& flags, const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  GetArgs get;
  if (!ParseGetArgs(args, get, err)) return 2;
  const api::KindInfo* kind = ResolveResource(get.resource);
  if (!kind) {
    err << "skiffctl get: the server doesn't have a resource type \"" << get.resource << "\"\n";
    return 1;
  }
  if (get.all_namespaces && !get.name.empty()) {
    err << "skiffctl get: a resource cannot be retrieved by name across all namespaces\n";
    return 2;
  }
  Result<Connection> conn = Connect(flags);
  if (!conn.ok()) {
    err << "skiffctl get: " << conn.status().message() << "\n";
    return 1;
  }
  std::string ns = get.all_namespaces ? "" : conn->namespace_;
  std::string path = ResourcePath(*kind, ns, get.name);
  if (!get.selector.empty()) path += "?labelSelector=" + QueryEscape(get.selector);
  Result<client::Response> r = conn->rest->Get(path, get.output.empty() ? kTableAccept : "");
  if (!r.ok()) {
    const Status& s = r.status();
    if (s.code() == Code::kUnavailable) {
      err << "skiffctl get: " << s.message() << "\n";
    } else {
      std::string message = s.message();
      message.erase(0, message.find(": ") == std::string::npos ? 0 : message.find(": ") + 2);  // "GET path: "
      err << "Error from server (" << ReasonOf(s.code()) << "): " << message << "\n";
    }
    return 1;
  }
  json body = json::parse(r->body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) {
    err << "skiffctl get: the server answered something that is not JSON\n";
    return 1;
  }
  if (get.name.empty() && IsEmpty(body) && get.output != "json" && get.output != "yaml") {
    err << (ns.empty() || !kind->namespaced ? std::string("No resources found\n")
                                            : "No resources found in " + ns + " namespace.\n");
    return 0;
  }
  if (get.output == "name") {
    PrintNames(body, *kind, out);
  } else if (get.output == "json" || get.output == "yaml") {
    if (get.name.empty()) body = AsList(std::move(body), *kind);
    out << (get.output == "json" ? body.dump(4) + "\n" : api::ToYaml(body));
  } else {
    PrintTable(body, get.all_namespaces && kind->namespaced, out);
  }
  return 0;
}

}  // namespace skiff::ctl
