// Server-side printing (apiserver/printers): exact cells for every kind other
// than Pod: workloads, services, endpoints, nodes, events and the small kinds.
#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "apiserver/printers/table.h"
#include "base/clock.h"
#include "tests/apiserver/printers_fixture.h"

namespace skiff::apiserver {
namespace {

using namespace printers_test;  // NOLINT: test helpers
using nlohmann::json;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

// --- Workloads -------------------------------------------------------------

json Template() {
  return {{"metadata", {{"labels", {{"app", "web"}}}}},
          {"spec",
           {{"containers",
             {{{"name", "nginx"}, {"image", "nginx:1.25"}},
              {{"name", "sidecar"}, {"image", "busybox"}}}}}}};
}

TEST_CASE("deployment with partial availability", "[printers]") {
  Fixture f;
  json d = {{"kind", "Deployment"},
            {"apiVersion", "apps/v1"},
            {"metadata", f.Meta("web", minutes(10))},
            {"spec",
             {{"replicas", 3},
              {"selector", {{"matchLabels", {{"app", "web"}}}}},
              {"template", Template()}}},
            {"status",
             {{"replicas", 3},
              {"updatedReplicas", 2},
              {"readyReplicas", 1},
              {"availableReplicas", 1},
              {"unavailableReplicas", 2}}}};
  CHECK(f.Cells("apps/v1", "Deployment", d) ==
        json({"web", "1/3", 2, 1, "10m", "nginx,sidecar", "nginx:1.25,busybox", "app=web"}));
  CHECK(f.Cells("apps/v1", "Deployment", d, false) == json({"web", "1/3", 2, 1, "10m"}));

  d["spec"]["selector"]["matchExpressions"] = {
      {{"key", "tier"}, {"operator", "In"}, {"values", {"b", "a"}}},
      {{"key", "canary"}, {"operator", "DoesNotExist"}}};
  CHECK(f.Cells("apps/v1", "Deployment", d)[7] == "app=web,!canary,tier in (a,b)");
  d["spec"]["selector"] = {{"matchExpressions", {{{"key", "x"}, {"operator", "Near"}}}}};
  CHECK(f.Cells("apps/v1", "Deployment", d)[7] == "<invalid>");

  // A fresh deployment with no status yet.
  json fresh = {{"metadata", f.Meta("new", seconds(1))}, {"spec", {{"template", Template()}}}};
  CHECK(f.Cells("apps/v1", "Deployment", fresh, false) == json({"new", "0/1", 0, 0, "1s"}));
}

TEST_CASE("replicaset", "[printers]") {
  Fixture f;
  json rs = {{"metadata", f.Meta("web-5d4f8", hours(26))},
             {"spec",
              {{"replicas", 3},
               {"selector", {{"matchLabels", {{"app", "web"}, {"pod-template-hash", "5d4f8"}}}}},
               {"template", Template()}}},
             {"status", {{"replicas", 3}, {"readyReplicas", 2}}}};
  CHECK(f.Cells("apps/v1", "ReplicaSet", rs) ==
        json({"web-5d4f8", 3, 3, 2, "26h", "nginx,sidecar", "nginx:1.25,busybox",
              "app=web,pod-template-hash=5d4f8"}));
  rs["spec"]["replicas"] = 0;
  rs["status"] = {{"replicas", 0}};
  CHECK(f.Cells("apps/v1", "ReplicaSet", rs, false) == json({"web-5d4f8", 0, 0, 0, "26h"}));
}

// --- Services and endpoints ------------------------------------------------

TEST_CASE("NodePort service", "[printers]") {
  Fixture f;
  json svc = {{"metadata", f.Meta("web", hours(100))},
              {"spec",
               {{"type", "NodePort"},
                {"clusterIP", "10.96.0.10"},
                {"clusterIPs", {"10.96.0.10"}},
                {"selector", {{"tier", "front"}, {"app", "web"}}},
                {"ports",
                 {{{"name", "http"},
                   {"port", 80},
                   {"targetPort", 8080},
                   {"nodePort", 30080},
                   {"protocol", "TCP"}},
                  {{"name", "https"}, {"port", 443}, {"protocol", "TCP"}},
                  {{"name", "dns"}, {"port", 53}, {"protocol", "UDP"}}}}}}};
  CHECK(f.Cells("v1", "Service", svc) ==
        json({"web", "NodePort", "10.96.0.10", "<none>", "80:30080/TCP,443/TCP,53/UDP", "4d4h",
              "app=web,tier=front"}));
  svc["spec"]["externalIPs"] = {"192.0.2.1", "192.0.2.2"};
  CHECK(f.Cells("v1", "Service", svc)[3] == "192.0.2.1,192.0.2.2");
}

TEST_CASE("headless and other service types", "[printers]") {
  Fixture f;
  json headless = {{"metadata", f.Meta("db", minutes(2))},
                   {"spec", {{"clusterIP", "None"}, {"clusterIPs", {"None"}}}}};
  CHECK(f.Cells("v1", "Service", headless) ==
        json({"db", "ClusterIP", "None", "<none>", "<none>", "2m", "<none>"}));

  json lb = {{"metadata", f.Meta("lb", minutes(2))},
             {"spec",
              {{"type", "LoadBalancer"},
               {"clusterIPs", {"10.96.3.3"}},
               {"ports", {{{"port", 443}, {"nodePort", 31443}}}}}}};
  CHECK(f.Cells("v1", "Service", lb) ==
        json({"lb", "LoadBalancer", "10.96.3.3", "<pending>", "443:31443/TCP", "2m", "<none>"}));
  lb["status"] = {
      {"loadBalancer",
       {{"ingress",
         {{{"ip", "203.0.113.20"}}, {{"hostname", "lb.example.com"}}, {{"ip", "203.0.113.10"}}}}}}};
  CHECK(f.Cells("v1", "Service", lb)[3] == "203.0.113.10,203.0.113.20,lb.example.com");
  CHECK(f.Cells("v1", "Service", lb, false)[3] == "203.0.113.10,...");  // 16 columns at most
  lb["spec"]["externalIPs"] = {"192.0.2.9"};
  CHECK(f.Cells("v1", "Service", lb)[3] == "203.0.113.10,203.0.113.20,lb.example.com,192.0.2.9");

  json ext = {{"metadata", f.Meta("ext", minutes(2))},
              {"spec", {{"type", "ExternalName"}, {"externalName", "db.example.com"}}}};
  CHECK(f.Cells("v1", "Service", ext) ==
        json({"ext", "ExternalName", "<none>", "db.example.com", "<none>", "2m", "<none>"}));
}

TEST_CASE("endpoints", "[printers]") {
  Fixture f;
  json addrs = json::array();
  for (int i = 1; i <= 5; ++i) addrs.push_back({{"ip", "10.0.0." + std::to_string(i)}});
  json ep = {
      {"metadata", f.Meta("web", seconds(90))},
      {"subsets", {{{"addresses", addrs}, {"ports", {{{"port", 80}, {"protocol", "TCP"}}}}}}}};
  CHECK(f.Cells("v1", "Endpoints", ep) ==
        json({"web", "10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 2 more...", "90s"}));

  json two = {{"metadata", f.Meta("two", seconds(90))},
              {"subsets",
               {{{"addresses", {{{"ip", "10.0.0.1"}}, {{"ip", "fd00::1"}}}},
                 {"ports", {{{"port", 80}}}}}}}};
  CHECK(f.Cells("v1", "Endpoints", two)[1] == "10.0.0.1:80,[fd00::1]:80");

  json two_ports = {{"metadata", f.Meta("tp", seconds(90))},
                    {"subsets",
                     {{{"addresses", {{{"ip", "10.0.0.1"}}, {{"ip", "10.0.0.2"}}}},
                       {"ports", {{{"port", 80}}, {{"port", 443}}}}}}}};
  CHECK(f.Cells("v1", "Endpoints", two_ports)[1] ==
        "10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...");

  json headless = {{"metadata", f.Meta("h", seconds(90))},
                   {"subsets", {{{"addresses", {{{"ip", "10.0.0.7"}}}}}}}};
  CHECK(f.Cells("v1", "Endpoints", headless)[1] == "10.0.0.7");

  json none = {{"metadata", f.Meta("none", seconds(90))}};
  CHECK(f.Cells("v1", "Endpoints", none)[1] == "<none>");
  json not_ready = {
      {"metadata", f.Meta("nr", seconds(90))},
      {"subsets", {{{"notReadyAddresses", {{{"ip", "10.0.0.8"}}}}, {"ports", {{{"port", 80}}}}}}}};
  CHECK(f.Cells("v1", "Endpoints", not_ready)[1] == "");
}

// --- Nodes -----------------------------------------------------------------

TEST_CASE("nodes: ready, not ready, cordoned", "[printers]") {
  Fixture f;
  json node = {{"metadata",
                {{"name", "n1"},
                 {"creationTimestamp", f.Ago(hours(24 * 40))},
                 {"labels",
                  {{"node-role.kubernetes.io/control-plane", ""},
                   {"node-role.kubernetes.io/etcd", "true"},
                   {"kubernetes.io/role", "worker"},
                   {"kubernetes.io/hostname", "n1"}}}}},
               {"status",
                {{"conditions",
                  {{{"type", "MemoryPressure"}, {"status", "False"}},
                   {{"type", "Ready"}, {"status", "True"}}}},
                 {"addresses",
                  {{{"type", "Hostname"}, {"address", "n1"}},
                   {{"type", "InternalIP"}, {"address", "192.168.1.10"}}}},
                 {"nodeInfo",
                  {{"kubeletVersion", "v1.32.0"},
                   {"osImage", "Debian GNU/Linux 12 (bookworm)"},
                   {"kernelVersion", "6.1.0-18-amd64"},
                   {"containerRuntimeVersion", "skiff://0.1.0"}}}}}};
  CHECK(f.Cells("v1", "Node", node) ==
        json({"n1", "Ready", "control-plane,etcd,worker", "40d", "v1.32.0", "192.168.1.10",
              "<none>", "Debian GNU/Linux 12 (bookworm)", "6.1.0-18-amd64", "skiff://0.1.0"}));
  CHECK(f.Cells("v1", "Node", node, false) ==
        json({"n1", "Ready", "control-plane,etcd,worker", "40d", "v1.32.0"}));

  node["spec"] = {{"unschedulable", true}};
  CHECK(f.Cells("v1", "Node", node)[1] == "Ready,SchedulingDisabled");
  node["status"]["conditions"][1]["status"] = "Unknown";
  CHECK(f.Cells("v1", "Node", node)[1] == "NotReady,SchedulingDisabled");
  node["status"]["conditions"][1]["status"] = "False";
  node["spec"]["unschedulable"] = false;
  CHECK(f.Cells("v1", "Node", node)[1] == "NotReady");

  json bare = {{"metadata", {{"name", "n2"}, {"creationTimestamp", f.Ago(seconds(2))}}}};
  CHECK(f.Cells("v1", "Node", bare) == json({"n2", "Unknown", "<none>", "2s", "", "<none>",
                                             "<none>", "<unknown>", "<unknown>", "<unknown>"}));
}

// --- Small kinds -----------------------------------------------------------

TEST_CASE("namespace, configmap, secret, serviceaccount, lease", "[printers]") {
  Fixture f;
  json ns = {{"metadata", f.Meta("team-a", hours(5))}, {"status", {{"phase", "Terminating"}}}};
  CHECK(f.Cells("v1", "Namespace", ns) == json({"team-a", "Terminating", "5h"}));
  ns.erase("status");
  CHECK(f.Cells("v1", "Namespace", ns)[1] == "Active");

  json cm = {{"metadata", f.Meta("cfg", seconds(59))},
             {"data", {{"a", "1"}, {"b", "2"}}},
             {"binaryData", {{"c", "AAE="}}}};
  CHECK(f.Cells("v1", "ConfigMap", cm) == json({"cfg", 3, "59s"}));

  json secret = {{"metadata", f.Meta("tls", minutes(4))},
                 {"type", "kubernetes.io/tls"},
                 {"data", {{"tls.crt", "eA=="}, {"tls.key", "eQ=="}}}};
  CHECK(f.Cells("v1", "Secret", secret) == json({"tls", "kubernetes.io/tls", 2, "4m"}));
  json opaque = {{"metadata", f.Meta("s", minutes(4))},
                 {"data", {{"a", "eA=="}}},
                 {"stringData", {{"a", "x"}, {"b", "y"}}}};
  CHECK(f.Cells("v1", "Secret", opaque) == json({"s", "Opaque", 2, "4m"}));

  json sa = {{"metadata", f.Meta("default", hours(24 * 400))},
             {"secrets", {{{"name", "default-token-x"}}}}};
  CHECK(f.Cells("v1", "ServiceAccount", sa) == json({"default", 1, "400d"}));
  sa.erase("secrets");
  CHECK(f.Cells("v1", "ServiceAccount", sa)[1] == 0);

  json lease = {{"metadata", f.Meta("skiff-controllers", hours(24 * 365 * 3 + 24 * 10))},
                {"spec", {{"holderIdentity", "host-a_1234"}, {"leaseDurationSeconds", 15}}}};
  CHECK(f.Cells("coordination.k8s.io/v1", "Lease", lease) ==
        json({"skiff-controllers", "host-a_1234", "3y10d"}));
  lease["spec"].erase("holderIdentity");
  CHECK(f.Cells("coordination.k8s.io/v1", "Lease", lease)[1] == "");
}

// --- Events ----------------------------------------------------------------

TEST_CASE("events", "[printers]") {
  Fixture f;
  json ev = {{"metadata", f.Meta("web-1.17f3a", minutes(20))},
             {"involvedObject",
              {{"kind", "Pod"},
               {"name", "web-1"},
               {"namespace", "default"},
               {"fieldPath", "spec.containers{app}"}}},
             {"reason", "BackOff"},
             {"message", "  Back-off restarting failed container app\n"},
             {"source", {{"component", "kubelet"}, {"host", "n1"}}},
             {"firstTimestamp", f.Ago(minutes(20))},
             {"lastTimestamp", f.Ago(seconds(30))},
             {"count", 12},
             {"type", "Warning"}};
  json table = ToTable(Kind("v1", "Event"), {ev}, TableOptions{}, f.clock, "9");
  CHECK(Names(table) == json({"Last Seen", "Type", "Reason", "Object", "Message"}));
  CHECK(table["rows"][0]["cells"] == json({"30s", "Warning", "BackOff", "pod/web-1",
                                           "Back-off restarting failed container app"}));
  CHECK(f.Cells("v1", "Event", ev) ==
        json({"30s", "Warning", "BackOff", "pod/web-1", "spec.containers{app}", "kubelet, n1",
              "Back-off restarting failed container app", "20m", 12, "web-1.17f3a"}));

  // events.k8s.io-style: eventTime only, reporting controller, no count.
  json modern = {{"metadata", f.Meta("x.1", seconds(8))},
                 {"involvedObject", {{"kind", "Node"}, {"name", "n1"}}},
                 {"reason", "Starting"},
                 {"message", "Starting kubelet."},
                 {"eventTime", FormatRfc3339Micro(f.clock.Now() - seconds(8))},
                 {"reportingController", "skiff-agent"},
                 {"type", "Normal"}};
  CHECK(f.Cells("v1", "Event", modern) ==
        json({"8s", "Normal", "Starting", "node/n1", "", "skiff-agent", "Starting kubelet.", "8s",
              1, "x.1"}));

  // A series reports its last observation and its count.
  modern["series"] = {{"count", 5},
                      {"lastObservedTime", FormatRfc3339Micro(f.clock.Now() - seconds(2))}};
  json cells = f.Cells("v1", "Event", modern);
  CHECK(cells[0] == "2s");
  CHECK(cells[8] == 5);

  json kind_only = {{"metadata", f.Meta("y", seconds(1))},
                    {"involvedObject", {{"kind", "Namespace"}}}};
  cells = f.Cells("v1", "Event", kind_only);
  CHECK(cells[0] == "<unknown>");
  CHECK(cells[3] == "namespace");
}

}  // namespace
}  // namespace skiff::apiserver
