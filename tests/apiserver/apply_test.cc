// Server-side apply (apiserver/apply/): field sets and their FieldsV1 form,
// conflicts and force, removal of fields no longer applied, list-map merges,
// and the ownership that ordinary writes record; then through ObjectStore.
#include "apiserver/apply/apply.h"

#include <catch2/catch.hpp>

#include "apiserver/apply/field_set.h"
#include "apiserver/apply/managed_fields.h"
#include "apiserver/apply/object_fields.h"
#include "apiserver/object_store.h"
#include "apiserver/storage/factory.h"

namespace skiff::apiserver::apply {
namespace {

using nlohmann::json;

const api::KindInfo& Deployments() { return *api::FindKind("apps/v1", "Deployment"); }
const api::KindInfo& ConfigMaps() { return *api::FindKind("v1", "ConfigMap"); }

const Clock::TimePoint kT0 = FakeClock().Now();
const Clock::TimePoint kT1 = kT0 + std::chrono::seconds(60);

json Container(const std::string& name, const std::string& image) { return {{"name", name}, {"image", image}}; }

json Deployment(int replicas, json containers) {
  json labels = {{"app", "web"}};
  return {{"apiVersion", "apps/v1"},
          {"kind", "Deployment"},
          {"metadata", {{"name", "web"}, {"namespace", "default"}}},
          {"spec",
           {{"replicas", replicas},
            {"selector", {{"matchLabels", labels}}},
            {"template", {{"metadata", {{"labels", labels}}}, {"spec", {{"containers", containers}}}}}}}};
}

json Absent() {
  return {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"metadata", {{"name", "web"}, {"namespace", "default"}}}};
}

// The entries of obj, by manager name.
std::map<std::string, ManagerEntry> Managers(const json& obj) {
  Result<ManagerEntries> entries = DecodeManagedFields(obj);
  REQUIRE(entries.ok());
  std::map<std::string, ManagerEntry> out;
  for (ManagerEntry& e : *entries) out[e.manager] = e;
  return out;
}

FieldPath P(std::initializer_list<std::string> elements) { return FieldPath(elements); }

const FieldPath kReplicas = P({"f:spec", "f:replicas"});
const FieldPath kContainers = P({"f:spec", "f:template", "f:spec", "f:containers"});

FieldPath ContainerField(const std::string& name, const std::string& field) {
  FieldPath p = kContainers;
  p.push_back("k:{\"name\":\"" + name + "\"}");
  if (!field.empty()) p.push_back("f:" + field);
  return p;
}

Result<json> ApplyAs(const json& live, const json& config, const std::string& manager, bool force = false,
                     Clock::TimePoint now = kT0) {
  return Apply(Deployments(), live, config, {manager, force, now});
}

TEST_CASE("apply: field sets: insert, has, union, difference, intersection", "[apiserver][apply]") {
  FieldSet a, b;
  a.Insert(kReplicas);
  a.Insert(ContainerField("web", "image"));
  b.Insert(kReplicas);
  b.Insert(P({"f:metadata", "f:labels", "f:app"}));
  CHECK(a.Has(kReplicas));
  CHECK_FALSE(a.Has(P({"f:spec"})));
  CHECK(a.HasAtOrBelow(P({"f:spec"})));
  CHECK_FALSE(a.HasAtOrBelow(P({"f:metadata"})));
  CHECK(a.Union(b).Members().size() == 3);
  CHECK(a.Intersection(b).Members() == std::vector<FieldPath>{kReplicas});
  CHECK(a.Difference(b).Members() == std::vector<FieldPath>{ContainerField("web", "image")});
  CHECK(a.Difference(a).Empty());
}

TEST_CASE("apply: FieldsV1 round trip with members that have children", "[apiserver][apply]") {
  json fields = json::parse(R"({
    "f:metadata": {"f:labels": {".": {}, "f:app": {}}, "f:finalizers": {"v:\"example.com/x\"": {}}},
    "f:spec": {"f:replicas": {}, "f:template": {"f:spec": {"f:containers": {
      "k:{\"name\":\"web\"}": {".": {}, "f:image": {}, "f:name": {}}}}}}})");
  Result<FieldSet> set = FieldSet::FromFieldsV1(fields);
  REQUIRE(set.ok());
  CHECK(set->Has(P({"f:metadata", "f:labels"})));
  CHECK(set->Has(P({"f:metadata", "f:labels", "f:app"})));
  CHECK(set->Has(ContainerField("web", "")));
  CHECK(set->Has(ContainerField("web", "image")));
  CHECK_FALSE(set->Has(P({"f:spec"})));
  CHECK(set->ToFieldsV1() == fields);

  Result<FieldSet> bad = FieldSet::FromFieldsV1(json::parse(R"({"f:spec": {"x:y": {}}})"));
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.status().message(), Catch::Matchers::Contains("x:y"));
  CHECK_FALSE(FieldSet::FromFieldsV1(json::parse(R"({"k:notjson": {}})")).ok());
}

TEST_CASE("apply: paths print as kube-apiserver prints them", "[apiserver][apply]") {
  CHECK(PathString(kReplicas) == ".spec.replicas");
  CHECK(PathString(ContainerField("web", "image")) == ".spec.template.spec.containers[name=\"web\"].image");
  CHECK(PathString(P({"f:metadata", "f:finalizers", "v:\"a/b\""})) == ".metadata.finalizers[=\"a/b\"]");
  CHECK(PathString(P({"f:items", "i:3"})) == ".items[3]");
}

TEST_CASE("apply: the field set of a configuration", "[apiserver][apply]") {
  json config = Deployment(2, {Container("web", "nginx")});
  config["spec"]["template"]["spec"]["containers"][0]["ports"] = {{{"containerPort", 80}}};
  FieldSet set = FieldSetOf(config, ObjectShape::ForKind(Deployments()));
  CHECK(set.Has(kReplicas));
  CHECK(set.Has(ContainerField("web", "")));  // list-map items are members
  CHECK(set.Has(ContainerField("web", "image")));
  FieldPath port = ContainerField("web", "ports");
  port.push_back("k:{\"containerPort\":80}");
  CHECK(set.Has(port));
  CHECK(set.Has(P({"f:spec", "f:selector"})));  // LabelSelector is atomic
  CHECK_FALSE(set.HasAtOrBelow(P({"f:spec", "f:selector", "f:matchLabels"})));
  CHECK(set.Has(P({"f:spec", "f:template", "f:metadata", "f:labels", "f:app"})));
  CHECK_FALSE(set.Has(P({"f:spec", "f:template", "f:metadata", "f:labels"})));  // maps are not members when applied
  CHECK_FALSE(set.Has(P({"f:spec"})));
}

TEST_CASE("apply: an apply of an absent object owns what it set", "[apiserver][apply]") {
  Result<json> created = ApplyAs(Absent(), Deployment(2, {Container("web", "nginx")}), "kubectl");
  REQUIRE(created.ok());
  CHECK((*created)["spec"]["replicas"] == 2);
  const json& entry = (*created)["metadata"]["managedFields"][0];
  CHECK(entry["manager"] == "kubectl");
  CHECK(entry["operation"] == "Apply");
  CHECK(entry["apiVersion"] == "apps/v1");
  CHECK(entry["fieldsType"] == "FieldsV1");
  CHECK(entry["time"] == FormatRfc3339(kT0));
  CHECK(entry["fieldsV1"]["f:spec"]["f:replicas"] == json::object());
  CHECK_FALSE(entry["fieldsV1"].contains("f:apiVersion"));
  CHECK_FALSE(entry["fieldsV1"]["f:metadata"].is_object());  // name and namespace are not owned
}

TEST_CASE("apply: a changed value another manager owns is a conflict, with its message and causes",
          "[apiserver][apply]") {
  json live = Deployment(2, {Container("web", "nginx")});
  REQUIRE(RecordUpdate(Deployments(), json(), live, "kubectl-client-side-apply", Scope::kMain, kT0).ok());

  Result<json> same = ApplyAs(live, Deployment(2, {Container("web", "nginx")}), "kubectl");
  REQUIRE(same.ok());  // equal values: ownership is shared
  auto shared = Managers(*same);
  CHECK(shared["kubectl"].fields.Has(kReplicas));
  CHECK(shared["kubectl-client-side-apply"].fields.Has(kReplicas));

  Result<json> changed = ApplyAs(live, Deployment(3, {Container("web", "nginx")}), "kubectl");
  REQUIRE_FALSE(changed.ok());
  const Status& s = changed.status();
  CHECK(s.code() == Code::kConflict);
  CHECK(s.message() ==
        "Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using apps/v1: .spec.replicas");
  REQUIRE(s.causes().size() == 1);
  CHECK(s.causes()[0].type == "FieldManagerConflict");
  CHECK(s.causes()[0].field == ".spec.replicas");
  CHECK(s.causes()[0].message == "conflict with \"kubectl-client-side-apply\" using apps/v1");
}

TEST_CASE("apply: several conflicts are listed by manager", "[apiserver][apply]") {
  Result<json> first = ApplyAs(Absent(), Deployment(2, {Container("web", "nginx")}), "alice");
  REQUIRE(first.ok());
  Result<json> second = ApplyAs(*first, Deployment(4, {Container("web", "nginx:2")}), "bob");
  REQUIRE_FALSE(second.ok());
  CHECK(second.status().message() ==
        "Apply failed with 2 conflicts: conflicts with \"alice\":\n"
        "- .spec.replicas\n"
        "- .spec.template.spec.containers[name=\"web\"].image");
  CHECK(second.status().causes().size() == 2);
}

TEST_CASE("apply: force takes the conflicting fields over", "[apiserver][apply]") {
  Result<json> first = ApplyAs(Absent(), Deployment(2, {Container("web", "nginx")}), "alice");
  REQUIRE(first.ok());
  json replicas_only = Absent();
  replicas_only["spec"] = {{"replicas", 5}};
  Result<json> forced = ApplyAs(*first, replicas_only, "bob", /*force=*/true, kT1);
  REQUIRE(forced.ok());
  CHECK((*forced)["spec"]["replicas"] == 5);
  CHECK((*forced)["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx");
  auto managers = Managers(*forced);
  CHECK(managers["bob"].fields.Has(kReplicas));
  CHECK(managers["bob"].time == FormatRfc3339(kT1));
  CHECK_FALSE(managers["alice"].fields.Has(kReplicas));
  CHECK(managers["alice"].fields.Has(ContainerField("web", "image")));
  CHECK(managers["alice"].time == FormatRfc3339(kT0));  // losing a field is not a change of alice's
}

TEST_CASE("apply: fields no longer applied are removed unless another manager owns them", "[apiserver][apply]") {
  json with_env = Deployment(2, {Container("web", "nginx")});
  with_env["spec"]["template"]["spec"]["containers"][0]["env"] = {{{"name", "A"}, {"value", "1"}},
                                                                  {{"name", "B"}, {"value", "2"}}};
  with_env["metadata"]["labels"] = {{"team", "blue"}};
  Result<json> first = ApplyAs(Absent(), with_env, "kubectl");
  REQUIRE(first.ok());

  json without_b = with_env;
  without_b["spec"]["template"]["spec"]["containers"][0]["env"] = {{{"name", "A"}, {"value", "1"}}};
  without_b["metadata"].erase("labels");
  Result<json> second = ApplyAs(*first, without_b, "kubectl", false, kT1);
  REQUIRE(second.ok());
  const json& env = (*second)["spec"]["template"]["spec"]["containers"][0]["env"];
  REQUIRE(env.size() == 1);
  CHECK(env[0]["name"] == "A");
  CHECK_FALSE((*second)["metadata"].value("labels", json::object()).contains("team"));
  CHECK(Managers(*second)["kubectl"].time == FormatRfc3339(kT1));

  // Another manager set env B too (an update): it stays when kubectl stops applying it.
  json shared = *first;
  json edited = shared;
  edited["spec"]["template"]["spec"]["containers"][0]["env"][1]["value"] = "3";
  REQUIRE(RecordUpdate(Deployments(), shared, edited, "editor", Scope::kMain, kT1).ok());
  Result<json> third = ApplyAs(edited, without_b, "kubectl", false, kT1);
  REQUIRE(third.ok());
  const json& kept = (*third)["spec"]["template"]["spec"]["containers"][0]["env"];
  REQUIRE(kept.size() == 2);
  CHECK(kept[1]["value"] == "3");
}

TEST_CASE("apply: list-maps merge by key: containers, ports, env", "[apiserver][apply]") {
  json web = Deployment(2, {Container("web", "nginx")});
  web["spec"]["template"]["spec"]["containers"][0]["ports"] = {{{"containerPort", 80}}};
  web["spec"]["template"]["spec"]["containers"][0]["env"] = {{{"name", "A"}, {"value", "1"}}};
  Result<json> first = ApplyAs(Absent(), web, "team-web");
  REQUIRE(first.ok());

  // A second applier adds a sidecar, a port and a variable to the web container.
  json sidecar = Absent();
  json web_extra = {{"name", "web"},
                    {"ports", {{{"containerPort", 9090}, {"name", "metrics"}}}},
                    {"env", {{{"name", "B"}, {"value", "2"}}}}};
  sidecar["spec"]["template"]["spec"]["containers"] = {web_extra, Container("proxy", "envoy")};
  Result<json> merged = ApplyAs(*first, sidecar, "team-mesh");
  REQUIRE(merged.ok());
  const json& containers = (*merged)["spec"]["template"]["spec"]["containers"];
  REQUIRE(containers.size() == 2);
  CHECK(containers[0]["name"] == "web");
  CHECK(containers[0]["image"] == "nginx");
  CHECK(containers[0]["ports"].size() == 2);
  CHECK(containers[0]["env"] == json::parse(R"([{"name":"A","value":"1"},{"name":"B","value":"2"}])"));
  CHECK(containers[1]["name"] == "proxy");
  auto managers = Managers(*merged);
  CHECK(managers["team-mesh"].fields.Has(ContainerField("proxy", "image")));
  CHECK(managers["team-mesh"].fields.Has(ContainerField("web", "")));  // both own the web item
  CHECK(managers["team-web"].fields.Has(ContainerField("web", "")));

  // team-web stops applying its container: team-mesh still owns the item, so it stays
  // (without team-web's image).
  json nothing = Absent();
  nothing["spec"] = {{"replicas", 2}};
  Result<json> pruned = ApplyAs(*merged, nothing, "team-web");
  REQUIRE(pruned.ok());
  const json& left = (*pruned)["spec"]["template"]["spec"]["containers"];
  REQUIRE(left.size() == 2);
  CHECK_FALSE(left[0].contains("image"));
  CHECK(left[0]["env"].size() == 1);
  CHECK(left[0]["env"][0]["name"] == "B");
}

TEST_CASE("apply: kubectl takes over what its client-side apply last applied, and keeps the annotation",
          "[apiserver][apply]") {
  const char* kLastApplied = "kubectl.kubernetes.io/last-applied-configuration";
  json live = Deployment(2, {Container("web", "nginx")});
  live["metadata"]["annotations"][kLastApplied] = Deployment(2, {Container("web", "nginx")}).dump();
  REQUIRE(RecordUpdate(Deployments(), json(), live, "kubectl-client-side-apply", Scope::kMain, kT0).ok());

  json config = Deployment(3, {Container("web", "nginx")});
  Result<json> other = ApplyAs(live, config, "other");
  REQUIRE_FALSE(other.ok());
  CHECK(other.status().code() == Code::kConflict);

  Result<json> upgraded = ApplyAs(live, config, "kubectl");
  REQUIRE(upgraded.ok());
  CHECK((*upgraded)["spec"]["replicas"] == 3);
  CHECK(Managers(*upgraded)["kubectl"].fields.Has(kReplicas));
  CHECK_FALSE(Managers(*upgraded)["kubectl-client-side-apply"].fields.Has(kReplicas));
  json annotation = json::parse((*upgraded)["metadata"]["annotations"][kLastApplied].get<std::string>());
  CHECK(annotation == config);

  // A field the annotation never named still conflicts.
  json more = config;
  more["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:2";
  json live_with_other_image = live;
  live_with_other_image["metadata"]["annotations"][kLastApplied] = json{{"spec", {{"replicas", 2}}}}.dump();
  Result<json> refused = ApplyAs(live_with_other_image, more, "kubectl");
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().message() ==
        "Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using apps/v1: "
        ".spec.template.spec.containers[name=\"web\"].image");
}

TEST_CASE("apply: the applied configuration may not carry managedFields", "[apiserver][apply]") {
  json config = Deployment(1, {Container("web", "nginx")});
  config["metadata"]["managedFields"] = json::array({json::object()});
  Result<json> applied = ApplyAs(Absent(), config, "kubectl");
  REQUIRE_FALSE(applied.ok());
  CHECK(applied.status().code() == Code::kBadRequest);
}

TEST_CASE("apply: updates own what they change and take it from other managers", "[apiserver][apply]") {
  json created = Deployment(2, {Container("web", "nginx")});
  REQUIRE(RecordUpdate(Deployments(), json(), created, "kubectl-create", Scope::kMain, kT0).ok());
  auto at_create = Managers(created);
  REQUIRE(at_create.size() == 1);
  CHECK(at_create["kubectl-create"].operation == "Update");
  CHECK(at_create["kubectl-create"].fields.Has(kReplicas));
  // An update-made map is itself a member ("." in FieldsV1), as upstream records it.
  CHECK(created["metadata"]["managedFields"][0]["fieldsV1"]["f:spec"]["f:template"]["f:metadata"]["f:labels"]
            .contains("."));

  json scaled = created;
  scaled["spec"]["replicas"] = 4;
  REQUIRE(RecordUpdate(Deployments(), created, scaled, "kubectl-scale", Scope::kMain, kT1).ok());
  auto after = Managers(scaled);
  CHECK(after["kubectl-scale"].fields.Members() == std::vector<FieldPath>{kReplicas});
  CHECK_FALSE(after["kubectl-create"].fields.Has(kReplicas));
  CHECK(after["kubectl-create"].time == FormatRfc3339(kT0));

  // A write that changes nothing leaves the managed fields as they were.
  json again = scaled;
  REQUIRE(RecordUpdate(Deployments(), scaled, again, "someone", Scope::kMain, kT1).ok());
  CHECK(again == scaled);

  // Status writes are recorded apart, with their subresource.
  json with_status = scaled;
  with_status["status"] = {{"replicas", 4}};
  REQUIRE(RecordUpdate(Deployments(), scaled, with_status, "controller", Scope::kStatus, kT1).ok());
  auto status_managers = Managers(with_status);
  CHECK(status_managers["controller"].subresource == "status");
  CHECK(status_managers["controller"].fields.Has(P({"f:status", "f:replicas"})));
  CHECK(DescribeManager(status_managers["controller"]) == "\"controller\" with subresource \"status\" using apps/v1");
}

TEST_CASE("apply: managedFields sent by a client: kept, cleared by one empty entry, rejected when invalid",
          "[apiserver][apply]") {
  json stored = Deployment(2, {Container("web", "nginx")});
  REQUIRE(RecordUpdate(Deployments(), json(), stored, "kubectl-create", Scope::kMain, kT0).ok());

  json cleared = stored;
  cleared["metadata"]["managedFields"] = json::array({json::object()});
  REQUIRE(RecordUpdate(Deployments(), stored, cleared, "kubectl-edit", Scope::kMain, kT1).ok());
  CHECK_FALSE(cleared["metadata"].contains("managedFields"));

  json empty_list = stored;  // [] does not clear: the stored entries stay
  empty_list["metadata"]["managedFields"] = json::array();
  REQUIRE(RecordUpdate(Deployments(), stored, empty_list, "kubectl-edit", Scope::kMain, kT1).ok());
  CHECK(Managers(empty_list).count("kubectl-create") == 1);

  json invalid = stored;
  invalid["metadata"]["managedFields"][0]["operation"] = "Delete";
  Status rejected = RecordUpdate(Deployments(), stored, invalid, "kubectl-edit", Scope::kMain, kT1);
  CHECK(rejected.code() == Code::kInvalid);
  CHECK_THAT(rejected.message(), Catch::Matchers::Contains("metadata.managedFields[0].operation"));

  json undecodable = stored;  // ignored, as upstream: the stored entries are used
  undecodable["metadata"]["managedFields"][0]["fieldsType"] = "FieldsV9";
  REQUIRE(RecordUpdate(Deployments(), stored, undecodable, "kubectl-edit", Scope::kMain, kT1).ok());
  CHECK(Managers(undecodable)["kubectl-create"].fields.Has(kReplicas));
}

TEST_CASE("apply: the field manager comes from fieldManager, else the User-Agent", "[apiserver][apply]") {
  CHECK(FieldManagerOf("", "kubectl-client-side-apply/v1.32.4 (linux/amd64) kubernetes/abc") ==
        "kubectl-client-side-apply");
  CHECK(FieldManagerOf("", "kubectl/v1.32.4 (linux/amd64) kubernetes/abc") == "kubectl");
  CHECK(FieldManagerOf("mine", "kubectl/v1.32.4") == "mine");
}

TEST_CASE("apply: through ObjectStore: create by apply, update, conflict, force", "[apiserver][apply]") {
  std::unique_ptr<storage::Storage> store = storage::NewMemoryStorage();
  FakeClock clock;
  ObjectStore objects(*store, clock);
  REQUIRE(objects.EnsureSystemNamespaces().ok());
  const api::KindInfo& cms = ConfigMaps();
  json cm = {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "cfg"}}}, {"data", {{"a", "1"}}}};

  WriteOptions apply_opts;
  apply_opts.field_manager = "kubectl";
  Result<Written> created = objects.Patch(cms, "default", "cfg", PatchType::kApply, cm, apply_opts);
  REQUIRE(created.ok());
  CHECK(created->object["metadata"]["managedFields"].size() == 1);
  CHECK(created->object["metadata"]["managedFields"][0]["operation"] == "Apply");

  // A merge patch by another manager takes data.a over.
  WriteOptions patch_opts;
  patch_opts.field_manager = "kubectl-patch";
  Result<Written> patched =
      objects.Patch(cms, "default", "cfg", PatchType::kMerge, json{{"data", {{"a", "2"}}}}, patch_opts);
  REQUIRE(patched.ok());
  auto managers = Managers(patched->object);
  CHECK(managers["kubectl-patch"].operation == "Update");
  CHECK(managers.count("kubectl") == 0);  // lost its only field

  // Applying a = 1 again is now a conflict, and changes nothing ...
  Result<Written> conflict = objects.Patch(cms, "default", "cfg", PatchType::kApply, cm, apply_opts);
  REQUIRE_FALSE(conflict.ok());
  CHECK(conflict.status().message() ==
        "Apply failed with 1 conflict: conflict with \"kubectl-patch\" using v1: .data.a");
  CHECK((*objects.Get(cms, "default", "cfg"))["data"]["a"] == "2");

  // ... until forced.
  apply_opts.force = true;
  Result<Written> forced = objects.Patch(cms, "default", "cfg", PatchType::kApply, cm, apply_opts);
  REQUIRE(forced.ok());
  CHECK(forced->object["data"]["a"] == "1");
  CHECK(Managers(forced->object).count("kubectl-patch") == 0);

  // A PUT records its manager too; an unchanged PUT writes nothing.
  json put = forced->object;
  put["data"]["b"] = "x";
  WriteOptions put_opts;
  put_opts.field_manager = "kubectl-replace";
  Result<Written> updated = objects.Update(cms, "default", "cfg", put, put_opts);
  REQUIRE(updated.ok());
  CHECK(Managers(updated->object)["kubectl-replace"].fields.Members() ==
        std::vector<FieldPath>{P({"f:data", "f:b"})});
  Result<Written> same = objects.Update(cms, "default", "cfg", updated->object, put_opts);
  REQUIRE(same.ok());
  CHECK(same->object["metadata"]["resourceVersion"] == updated->object["metadata"]["resourceVersion"]);
}

TEST_CASE("apply: through ObjectStore: status and scale writes record their subresource", "[apiserver][apply]") {
  std::unique_ptr<storage::Storage> store = storage::NewMemoryStorage();
  FakeClock clock;
  ObjectStore objects(*store, clock);
  REQUIRE(objects.EnsureSystemNamespaces().ok());
  WriteOptions opts;
  opts.field_manager = "kubectl";
  json config = Deployment(2, {Container("web", "nginx")});
  REQUIRE(objects.Patch(Deployments(), "default", "web", PatchType::kApply, config, opts).ok());

  WriteOptions scaler;
  scaler.field_manager = "autoscaler";
  json scale = {{"apiVersion", "autoscaling/v1"}, {"kind", "Scale"}, {"spec", {{"replicas", 4}}}};
  REQUIRE(objects.UpdateScale(Deployments(), "default", "web", scale, scaler).ok());
  WriteOptions controller;
  controller.field_manager = "deployment-controller";
  json with_status = *objects.Get(Deployments(), "default", "web");
  with_status["status"] = {{"replicas", 4}};
  REQUIRE(objects.UpdateStatus(Deployments(), "default", "web", with_status, controller).ok());

  auto managers = Managers(*objects.Get(Deployments(), "default", "web"));
  CHECK(managers["autoscaler"].subresource == "scale");
  CHECK(managers["autoscaler"].fields.Members() == std::vector<FieldPath>{kReplicas});
  CHECK_FALSE(managers["kubectl"].fields.Has(kReplicas));
  CHECK(managers["deployment-controller"].subresource == "status");
  CHECK(managers["deployment-controller"].fields.Has(P({"f:status", "f:replicas"})));

  Result<Written> conflict = objects.Patch(Deployments(), "default", "web", PatchType::kApply, config, opts);
  REQUIRE_FALSE(conflict.ok());
  CHECK(conflict.status().message() ==
        "Apply failed with 1 conflict: conflict with \"autoscaler\" with subresource \"scale\" using apps/v1: "
        ".spec.replicas");
}

}  // namespace
}  // namespace skiff::apiserver::apply
