#include "api/schema/schema.h"

#include <catch2/catch.hpp>
#include <set>
#include <string>

#include "api/kinds.h"

namespace skiff::api {
namespace {

TEST_CASE("schema builds without problems", "[schema]") {
  for (const auto& p : SchemaProblems()) INFO(p);
  CHECK(SchemaProblems().empty());
  CHECK(AllTypes().size() > 150);
}

TEST_CASE("every kind has a type with apiVersion, kind and metadata", "[schema]") {
  for (const auto& kind : AllKinds()) {
    INFO(kind.ApiVersion() << " " << kind.kind);
    const ObjectType* t = TypeForKind(kind);
    REQUIRE(t != nullptr);
    for (const char* name : {"apiVersion", "kind", "metadata"}) {
      const FieldSpec* f = t->FindField(name);
      REQUIRE(f != nullptr);
      CHECK(f->acted_on);
    }
    CHECK(t->FindField("metadata")->type.object == FindType("ObjectMeta"));
  }
}

TEST_CASE("type names are unique, fields are unique, references resolve", "[schema]") {
  std::set<std::string> names;
  for (const ObjectType* t : AllTypes()) {
    INFO(t->name);
    CHECK(names.insert(t->name).second);
    CHECK_FALSE(t->description.empty());
    CHECK_FALSE(t->package.empty());
    std::set<std::string> fields;
    for (const auto& f : t->fields) {
      INFO(f.name);
      CHECK(fields.insert(f.name).second);
      CHECK_FALSE(f.description.empty());
      CHECK(t->FindField(f.name) == &f);
      const TypeRef* leaf = &f.type;
      while (leaf->element) leaf = leaf->element.get();
      if (leaf->kind == ValueKind::kObject) {
        REQUIRE(leaf->object != nullptr);
        CHECK(FindType(leaf->ref) == leaf->object);
      }
    }
  }
}

TEST_CASE("TypeRef notation parses and prints back", "[schema]") {
  for (const char* n : {"string", "int32", "int64", "number", "boolean", "IntOrString", "Quantity",
                        "Time", "MicroTime", "bytes", "object", "[]string", "map[Quantity]",
                        "[]Container", "map[[]string]"}) {
    CHECK(TypeRef::Parse(n).ToString() == n);
  }
  CHECK(TypeRef::Parse("[]Container").element->kind == ValueKind::kObject);
}

TEST_CASE("schema covers the Kubernetes 1.32 fields it should", "[schema]") {
  const ObjectType* spec = FindType("PodSpec");
  REQUIRE(spec != nullptr);
  CHECK(spec->fields.size() == 40);
  for (const char* f : {"hostUsers", "schedulingGates", "resourceClaims", "resources", "os",
                        "setHostnameAsFQDN", "topologySpreadConstraints", "overhead"}) {
    CHECK(spec->FindField(f) != nullptr);
  }
  CHECK(FindType("Container")->fields.size() == 24);
  CHECK(FindType("EphemeralContainer")->fields.size() == 25);
  CHECK(FindType("Volume")->fields.size() == 31);
  CHECK(FindType("ContainerStatus")->fields.size() == 14);
  CHECK(FindType("ObjectMeta")->fields.size() == 15);
  CHECK(FindType("ServiceSpec")->fields.size() == 20);
  CHECK(FindType("Event")->fields.size() == 17);
  CHECK(FindType("LeaseSpec")->fields.size() == 7);
  CHECK(FindType("DaemonEndpoint")->FindField("Port") != nullptr);  // capitalised on the wire
  CHECK(FindType("PodSpec")->FindField("overhead")->type.ToString() == "map[Quantity]");
  CHECK(FindType("Secret")->FindField("data")->type.ToString() == "map[bytes]");
  CHECK(FindType("HTTPGetAction")->FindField("port")->type.kind == ValueKind::kIntOrString);
  CHECK(FindType("LeaseSpec")->FindField("renewTime")->type.kind == ValueKind::kMicroTime);
  CHECK(FindType("ManagedFieldsEntry")->FindField("fieldsV1")->type.kind == ValueKind::kFreeForm);
}

TEST_CASE("acted_on marks what skiff runs", "[schema]") {
  auto acted = [](const char* type, const char* field) {
    const ObjectType* t = FindType(type);
    REQUIRE(t != nullptr);
    const FieldSpec* f = t->FindField(field);
    REQUIRE(f != nullptr);
    return f->acted_on;
  };
  CHECK(acted("PodSpec", "containers"));
  CHECK(acted("PodSpec", "nodeSelector"));
  CHECK(acted("PodSpec", "hostNetwork"));
  CHECK_FALSE(acted("PodSpec", "affinity"));
  CHECK_FALSE(acted("PodSpec", "tolerations"));
  CHECK(acted("Container", "livenessProbe"));
  CHECK_FALSE(acted("Container", "lifecycle"));
  CHECK(acted("Volume", "emptyDir"));
  CHECK_FALSE(acted("Volume", "nfs"));
  CHECK(acted("ServiceSpec", "selector"));
  CHECK_FALSE(acted("ServiceSpec", "externalTrafficPolicy"));
  CHECK(acted("DeploymentSpec", "paused"));
  CHECK(acted("ConfigMap", "binaryData"));
  CHECK(acted("LeaseSpec", "holderIdentity"));
  CHECK(acted("PodStatus", "phase"));
}

TEST_CASE("enum values are recorded", "[schema]") {
  const FieldSpec* f = FindType("PodSpec")->FindField("restartPolicy");
  REQUIRE(f != nullptr);
  CHECK(f->enum_values == std::vector<std::string>{"Always", "OnFailure", "Never"});
  CHECK(FindType("HostPathVolumeSource")->FindField("type")->enum_values.front().empty());
}

TEST_CASE("lookups reject what is not there", "[schema]") {
  CHECK(FindType("NoSuchType") == nullptr);
  CHECK(FindType("PodSpec")->FindField("nope") == nullptr);
  KindInfo fake{"apps", "v1", "Pod", "pods", "pod", {}, true, false, false};
  CHECK(TypeForKind(fake) == nullptr);  // Pod is core, not apps
  CHECK(FindType("Deployment")->QualifiedName() == "io.k8s.api.apps.v1.Deployment");
  CHECK(FindType("ObjectMeta")->QualifiedName() ==
        "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
}

}  // namespace
}  // namespace skiff::api
