// The pieces ToTable is assembled from (internal to apiserver/printers/):
// a KindPrinter per kind (its columns and a function that prints one object
// into cells, one cell per column, wide columns included), and tolerant
// readers of the Kubernetes JSON shape.
//
// The readers never throw: a missing field, null, or a value of another JSON
// type reads as the empty value ("", 0, false, an empty array or object), which
// is what a Go printer sees for a zero-valued field. Stateless: thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"

namespace skiff::apiserver::printers {

struct ColumnDef {
  std::string name;    // "Name"; kubectl upper-cases it for the header
  std::string type;    // "string", "integer", "date", ...
  std::string format;  // "name" for the column holding the object's name
  std::string description;
  int priority = 0;  // 0: always shown; 1: only with -o wide
};

struct PrintContext {
  const Clock& clock;
  bool wide;
};

struct PrintedRow {
  std::vector<nlohmann::json> cells;  // one per column of the printer, in order
  nlohmann::json conditions;          // TableRow.conditions; null when none
};

using RowPrinter = PrintedRow (*)(const nlohmann::json& object, const PrintContext& ctx);

struct KindPrinter {
  std::vector<ColumnDef> columns;
  RowPrinter print = nullptr;
};

// One per kind; each lives in its own *_printer.cc.
KindPrinter PodPrinter();
KindPrinter DeploymentPrinter();
KindPrinter ReplicaSetPrinter();
KindPrinter ServicePrinter();
KindPrinter EndpointsPrinter();
KindPrinter NodePrinter();
KindPrinter NamespacePrinter();
KindPrinter ConfigMapPrinter();
KindPrinter SecretPrinter();
KindPrinter ServiceAccountPrinter();
KindPrinter EventPrinter();
KindPrinter LeasePrinter();
// NAME and AGE, for any kind without its own printer.
KindPrinter DefaultPrinter();

// Descriptions shared by many kinds.
extern const char kNameDescription[];
extern const char kAgeDescription[];
ColumnDef NameColumn();
ColumnDef AgeColumn();

// --- Tolerant JSON readers ---------------------------------------------------

// obj[key] when obj is an object holding key with a non-null value; else nullptr.
const nlohmann::json* Find(const nlohmann::json& obj, std::string_view key);
// obj[key] when it is an object; else a shared empty object.
const nlohmann::json& Obj(const nlohmann::json& obj, std::string_view key);
// obj[key] when it is an array; else a shared empty array.
const nlohmann::json& Arr(const nlohmann::json& obj, std::string_view key);
// obj[key] when it is a string; else "".
std::string Str(const nlohmann::json& obj, std::string_view key);
// obj[key] when it is an integer (or an integral float); else `fallback`.
int64_t Int(const nlohmann::json& obj, std::string_view key, int64_t fallback = 0);
// obj[key] when it is a boolean; else false.
bool Bool(const nlohmann::json& obj, std::string_view key);
// The number of members of obj[key] when it is an object (or elements when an array).
int64_t Count(const nlohmann::json& obj, std::string_view key);

// metadata.name of an object.
std::string NameOf(const nlohmann::json& object);
// The AGE cell of an object: the time since metadata.creationTimestamp.
std::string AgeOf(const nlohmann::json& object, const Clock& clock);

// "a,b" and "img-a,img-b" from a pod template's containers (upstream's
// layoutContainerCells).
std::string ContainerNames(const nlohmann::json& containers);
std::string ContainerImages(const nlohmann::json& containers);
// A metav1.LabelSelector as upstream's selector string ("app=web,tier in (a,b)");
// "" for a null or empty selector, "<invalid>" when it does not parse.
std::string SelectorString(const nlohmann::json* selector);

std::string Join(const std::vector<std::string>& parts, std::string_view sep);

}  // namespace skiff::apiserver::printers
