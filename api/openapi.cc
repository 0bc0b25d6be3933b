#include "api/openapi.h"

#include <cctype>
#include <set>

#include "api/kinds.h"
#include "api/schema/schema.h"

namespace skiff::api {

namespace {

using nlohmann::json;

constexpr std::string_view kRefPrefix = "#/components/schemas/";
constexpr std::string_view kIntOrString = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
constexpr std::string_view kQuantity = "io.k8s.apimachinery.pkg.api.resource.Quantity";
constexpr std::string_view kTime = "io.k8s.apimachinery.pkg.apis.meta.v1.Time";
constexpr std::string_view kMicroTime = "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime";
constexpr std::string_view kFieldsV1 = "io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1";

json Ref(std::string_view name) {
  return json{{"$ref", std::string(kRefPrefix) + std::string(name)}};
}

// Named schemas for the scalar types Kubernetes gives their own components.
json ScalarComponents() {
  json c = json::object();
  c[std::string(kIntOrString)] = {
      {"description", "An integer or a string, such as a port number or name, or a percentage."},
      {"x-kubernetes-int-or-string", true},
      {"anyOf", json::array({{{"type", "integer"}}, {{"type", "string"}}})}};
  c[std::string(kQuantity)] = {
      {"description",
       "A fixed-point amount such as 100m, 1.5Gi or 2e3: decimal or binary SI suffix or an "
       "exponent."},
      {"x-kubernetes-int-or-string", true},
      {"anyOf", json::array({{{"type", "integer"}}, {{"type", "string"}}})},
      {"pattern",
       "^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+"
       "(\\.[0-9]*)?)|(\\.[0-9]+))))?$"}};
  c[std::string(kTime)] = {{"description", "A point in time, RFC 3339, to the second."},
                           {"type", "string"},
                           {"format", "date-time"}};
  c[std::string(kMicroTime)] = {{"description", "A point in time, RFC 3339, to the microsecond."},
                                {"type", "string"},
                                {"format", "date-time"}};
  c[std::string(kFieldsV1)] = {
      {"description", "A set of fields, as a trie of field keys, for server-side apply."},
      {"type", "object"}};
  return c;
}

// The schema of a value of type t; `used` collects referenced object types.
json TypeSchema(const TypeRef& t, std::set<const ObjectType*>* used) {
  switch (t.kind) {
    case ValueKind::kString:
      return {{"type", "string"}};
    case ValueKind::kInt32:
      return {{"type", "integer"}, {"format", "int32"}};
    case ValueKind::kInt64:
      return {{"type", "integer"}, {"format", "int64"}};
    case ValueKind::kNumber:
      return {{"type", "number"}, {"format", "double"}};
    case ValueKind::kBoolean:
      return {{"type", "boolean"}};
    case ValueKind::kIntOrString:
      return Ref(kIntOrString);
    case ValueKind::kQuantity:
      return Ref(kQuantity);
    case ValueKind::kTime:
      return Ref(kTime);
    case ValueKind::kMicroTime:
      return Ref(kMicroTime);
    case ValueKind::kBytes:
      return {{"type", "string"}, {"format", "byte"}};
    case ValueKind::kFreeForm:
      return Ref(kFieldsV1);
    case ValueKind::kArray:
      return {{"type", "array"}, {"items", TypeSchema(*t.element, used)}};
    case ValueKind::kMap:
      return {{"type", "object"}, {"additionalProperties", TypeSchema(*t.element, used)}};
    case ValueKind::kObject:
      if (t.object == nullptr) return {{"type", "object"}};
      used->insert(t.object);
      return Ref(t.object->QualifiedName());
  }
  return json::object();
}

json FieldSchema(const FieldSpec& f, std::set<const ObjectType*>* used) {
  json s = TypeSchema(f.type, used);
  if (s.contains("$ref")) s = {{"allOf", json::array({s})}};
  s["description"] = f.description;
  if (!f.enum_values.empty()) s["enum"] = f.enum_values;
  return s;
}

json GvkOf(const KindInfo& k, std::string_view kind_name) {
  return {{"group", k.group}, {"version", k.version}, {"kind", std::string(kind_name)}};
}

json ObjectSchema(const ObjectType& t, std::set<const ObjectType*>* used) {
  json props = json::object();
  for (const auto& f : t.fields) props[f.name] = FieldSchema(f, used);
  return {{"description", t.description}, {"type", "object"}, {"properties", props}};
}

json Parameter(std::string_view name, std::string_view in, std::string_view description,
               bool required = false) {
  json p = {{"name", std::string(name)},
            {"in", std::string(in)},
            {"description", std::string(description)},
            {"schema", {{"type", "string"}}}};
  if (required) p["required"] = true;
  return p;
}

json WriteParameters(bool patch) {
  json params = json::array(
      {Parameter("dryRun", "query",
                 "When All, run every stage of the request but persist nothing."),
       Parameter("fieldManager", "query", "Name of the actor making the change."),
       Parameter("fieldValidation", "query",
                 "How to treat unknown fields: Ignore, Warn (the default) or Strict.")});
  if (patch) {
    json force = Parameter("force", "query", "Take ownership of conflicting fields on apply.");
    force["schema"] = {{"type", "boolean"}};
    params.push_back(force);
  }
  return params;
}

json JsonResponse(const std::string& schema_name, std::string_view description) {
  return {{"description", std::string(description)},
          {"content", {{"application/json", {{"schema", Ref(schema_name)}}}}}};
}

json Operation(const KindInfo& k, std::string_view action, std::string_view op_id,
               const std::string& schema_name, std::string_view summary) {
  json op = {{"operationId", std::string(op_id)},
             {"description", std::string(summary)},
             {"x-kubernetes-action", std::string(action)},
             {"x-kubernetes-group-version-kind", GvkOf(k, k.kind)},
             {"responses", {{"200", JsonResponse(schema_name, "OK")}}}};
  return op;
}

std::string OpIdSuffix(const KindInfo& k, bool namespaced_op) {
  std::string group = k.group.empty() ? "Core" : k.group.substr(0, k.group.find('.'));
  group[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(group[0])));
  std::string version = k.version;
  version[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(version[0])));
  return group + version + (namespaced_op ? "Namespaced" : "") + k.kind;
}

void AddPaths(const KindInfo& k, const std::string& kind_schema, const std::string& list_schema,
              json* paths) {
  std::string prefix = k.group.empty() ? "/api/" + k.version : "/apis/" + k.group + "/" + k.version;
  std::string collection = prefix + (k.namespaced ? "/namespaces/{namespace}/" : "/") + k.resource;
  std::string item = collection + "/{name}";
  std::string id = OpIdSuffix(k, k.namespaced);
  json ns_param = Parameter("namespace", "path", "Namespace of the objects.", true);
  json name_param = Parameter("name", "path", "Name of the " + k.kind + ".", true);

  json coll = json::object();
  coll["get"] = Operation(k, "list", "list" + id, list_schema, "List or watch " + k.resource + ".");
  coll["post"] = Operation(k, "post", "create" + id, kind_schema, "Create a " + k.kind + ".");
  coll["post"]["parameters"] = WriteParameters(false);
  coll["post"]["requestBody"] = {
      {"required", true}, {"content", {{"application/json", {{"schema", Ref(kind_schema)}}}}}};
  coll["post"]["responses"]["201"] = JsonResponse(kind_schema, "Created");
  if (k.namespaced) coll["parameters"] = json::array({ns_param});
  (*paths)[collection] = coll;

  auto item_ops = [&](std::string_view what) {
    json p = json::object();
    std::string sub(what);
    p["get"] =
        Operation(k, "get", "read" + id + sub, kind_schema, "Read the " + k.kind + sub + ".");
    p["put"] =
        Operation(k, "put", "replace" + id + sub, kind_schema, "Replace the " + k.kind + sub + ".");
    p["put"]["parameters"] = WriteParameters(false);
    p["put"]["requestBody"] = {{"required", true},
                               {"content", {{"application/json", {{"schema", Ref(kind_schema)}}}}}};
    p["patch"] = Operation(k, "patch", "patch" + id + sub, kind_schema,
                           "Partially update the " + k.kind + sub + ".");
    p["patch"]["parameters"] = WriteParameters(true);
    // Strategic merge patch is served but deliberately not listed: when it is,
    // kubectl computes apply patches from these schemas (which carry no merge
    // keys) instead of its compiled-in types, and sends whole lists.
    json any = {{"schema", {{"type", "object"}}}};
    p["patch"]["requestBody"] = {{"required", true},
                                 {"content",
                                  {{"application/json-patch+json", any},
                                   {"application/merge-patch+json", any},
                                   {"application/apply-patch+yaml", any}}}};
    json params = json::array({name_param});
    if (k.namespaced) params.push_back(ns_param);
    p["parameters"] = params;
    return p;
  };
  json main = item_ops("");
  main["delete"] = Operation(k, "delete", "delete" + id, kind_schema, "Delete the " + k.kind + ".");
  main["delete"]["parameters"] = json::array({WriteParameters(false)[0]});
  (*paths)[item] = main;
  if (k.has_status) (*paths)[item + "/status"] = item_ops("Status");
}

json ListSchema(const KindInfo& k, const ObjectType& t) {
  json props = {
      {"apiVersion", {{"type", "string"}, {"description", "Versioned schema of this list."}}},
      {"kind", {{"type", "string"}, {"description", "Kind of this list: " + k.kind + "List."}}},
      {"metadata",
       {{"allOf", json::array({Ref("io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta")})},
        {"description", "Standard list metadata."}}},
      {"items",
       {{"type", "array"},
        {"items", Ref(t.QualifiedName())},
        {"description", "The " + k.resource + "."}}}};
  return {{"description", "A list of " + k.resource + "."},
          {"type", "object"},
          {"required", json::array({"items"})},
          {"properties", props},
          {"x-kubernetes-group-version-kind", json::array({GvkOf(k, k.kind + "List")})}};
}

}  // namespace

nlohmann::json OpenApiV3ForGroupVersion(std::string_view group, std::string_view version) {
  json schemas = json::object();
  json paths = json::object();
  std::set<const ObjectType*> pending;
  std::set<const ObjectType*> done;
  for (const auto& k : AllKinds()) {
    if (k.group != group || k.version != version) continue;
    const ObjectType* t = TypeForKind(k);
    if (t == nullptr) continue;
    std::string name = t->QualifiedName();
    std::string list_name = name + "List";
    schemas[name] = ObjectSchema(*t, &pending);
    schemas[name]["x-kubernetes-group-version-kind"] = json::array({GvkOf(k, k.kind)});
    done.insert(t);
    schemas[list_name] = ListSchema(k, *t);
    if (const ObjectType* lm = FindType("ListMeta")) pending.insert(lm);
    AddPaths(k, name, list_name, &paths);
  }
  while (!pending.empty()) {
    const ObjectType* t = *pending.begin();
    pending.erase(pending.begin());
    if (!done.insert(t).second) continue;
    schemas[t->QualifiedName()] = ObjectSchema(*t, &pending);
  }
  if (!schemas.empty()) {
    json scalars = ScalarComponents();
    for (auto it = scalars.begin(); it != scalars.end(); ++it) schemas[it.key()] = it.value();
  }
  std::string gv =
      group.empty() ? std::string(version) : std::string(group) + "/" + std::string(version);
  return {{"openapi", "3.0.0"},
          {"info", {{"title", "skiff"}, {"version", gv}}},
          {"paths", paths},
          {"components", {{"schemas", schemas}}}};
}

std::vector<std::string> OpenApiV3GroupVersionPaths() {
  std::vector<std::string> out;
  for (const auto& k : AllKinds()) {
    std::string p = k.group.empty() ? "api/" + k.version : "apis/" + k.group + "/" + k.version;
    bool seen = false;
    for (const auto& o : out) seen = seen || o == p;
    if (!seen) out.push_back(p);
  }
  return out;
}

}  // namespace skiff::api
