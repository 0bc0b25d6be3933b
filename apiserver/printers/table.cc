#include "apiserver/printers/table.h"

#include <map>
#include <utility>

#include "apiserver/printers/printer.h"

namespace skiff::apiserver {
namespace {

using nlohmann::json;
using printers::KindPrinter;

// Keyed by "group/Kind" ("/Pod", "apps/Deployment").
const std::map<std::string, KindPrinter>& Printers() {
  static const std::map<std::string, KindPrinter> kPrinters = {
      {"/Pod", printers::PodPrinter()},
      {"/Service", printers::ServicePrinter()},
      {"/Endpoints", printers::EndpointsPrinter()},
      {"/Node", printers::NodePrinter()},
      {"/Namespace", printers::NamespacePrinter()},
      {"/ConfigMap", printers::ConfigMapPrinter()},
      {"/Secret", printers::SecretPrinter()},
      {"/ServiceAccount", printers::ServiceAccountPrinter()},
      {"/Event", printers::EventPrinter()},
      {"apps/Deployment", printers::DeploymentPrinter()},
      {"apps/ReplicaSet", printers::ReplicaSetPrinter()},
      {"coordination.k8s.io/Lease", printers::LeasePrinter()},
  };
  return kPrinters;
}

const KindPrinter& PrinterFor(const api::KindInfo& kind) {
  static const KindPrinter kDefault = printers::DefaultPrinter();
  auto it = Printers().find(kind.group + "/" + kind.kind);
  return it == Printers().end() ? kDefault : it->second;
}

json ColumnJson(const printers::ColumnDef& c) {
  return {{"name", c.name},
          {"type", c.type},
          {"format", c.format},
          {"description", c.description},
          {"priority", c.priority}};
}

json RowObject(const api::KindInfo& kind, const json& object, IncludeObject include) {
  if (include == IncludeObject::kMetadata) {
    return {{"kind", "PartialObjectMetadata"},
            {"apiVersion", "meta.k8s.io/v1"},
            {"metadata", printers::Obj(object, "metadata")}};
  }
  json full = object;
  if (full.is_object()) {
    // Stored objects may lack their type; a row object must say what it is.
    if (printers::Str(full, "kind").empty()) full["kind"] = kind.kind;
    if (printers::Str(full, "apiVersion").empty()) full["apiVersion"] = kind.ApiVersion();
  }
  return full;
}

// Prints one object; a reader bug must not take the request down, so a JSON
// exception (none is expected: the readers check types) yields "<unknown>" cells.
printers::PrintedRow PrintOne(const KindPrinter& printer, const json& object,
                              const printers::PrintContext& ctx) {
  try {
    printers::PrintedRow row = printer.print(object, ctx);
    if (row.cells.size() == printer.columns.size()) return row;
  } catch (const json::exception&) {
  }
  printers::PrintedRow fallback;
  for (const auto& c : printer.columns) {
    fallback.cells.push_back(c.format == "name" ? json(printers::NameOf(object))
                                                : json("<unknown>"));
  }
  return fallback;
}

}  // namespace

Result<IncludeObject> ParseIncludeObject(std::string_view value) {
  if (value.empty() || value == "Metadata") return IncludeObject::kMetadata;
  if (value == "Object") return IncludeObject::kObject;
  if (value == "None") return IncludeObject::kNone;
  return Status::BadRequest("includeObject: Unsupported value: \"" + std::string(value) +
                            "\": supported values: \"Metadata\", \"None\", \"Object\"");
}

json ToTable(const api::KindInfo& kind, const std::vector<json>& objects, const TableOptions& opts,
             const Clock& clock, const std::string& resource_version,
             const std::string& continue_token) {
  const KindPrinter& printer = PrinterFor(kind);
  std::vector<size_t> shown;  // indices of the columns in this table
  for (size_t i = 0; i < printer.columns.size(); ++i) {
    if (opts.wide || printer.columns[i].priority == 0) shown.push_back(i);
  }

  json metadata = json::object();
  if (!resource_version.empty()) metadata["resourceVersion"] = resource_version;
  if (!continue_token.empty()) metadata["continue"] = continue_token;

  json columns = json::array();
  if (!opts.no_headers) {
    for (size_t i : shown) columns.push_back(ColumnJson(printer.columns[i]));
  }

  const printers::PrintContext ctx{clock, opts.wide};
  json rows = json::array();
  for (const json& object : objects) {
    printers::PrintedRow printed = PrintOne(printer, object, ctx);
    json cells = json::array();
    for (size_t i : shown) cells.push_back(std::move(printed.cells[i]));
    json row = {{"cells", std::move(cells)}};
    if (!printed.conditions.is_null()) row["conditions"] = std::move(printed.conditions);
    if (opts.include_object != IncludeObject::kNone) {
      row["object"] = RowObject(kind, object, opts.include_object);
    }
    rows.push_back(std::move(row));
  }

  return {{"kind", "Table"},
          {"apiVersion", "meta.k8s.io/v1"},
          {"metadata", std::move(metadata)},
          {"columnDefinitions", std::move(columns)},
          {"rows", std::move(rows)}};
}

}  // namespace skiff::apiserver
