// Server-side printing (apiserver/printers): AGE formatting, the pod STATUS /
// READY / RESTARTS logic, and the Table envelope (wide columns, row objects,
// one-row watch tables, robustness against malformed objects).
#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/kinds.h"
#include "apiserver/printers/human_duration.h"
#include "apiserver/printers/table.h"
#include "base/clock.h"
#include "tests/apiserver/printers_fixture.h"

namespace skiff::apiserver {
namespace {

using namespace printers_test;  // NOLINT: test helpers
using nlohmann::json;
using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

// --- AGE -------------------------------------------------------------------

TEST_CASE("HumanDuration follows upstream's table", "[printers]") {
  using printers::HumanDuration;
  struct Case {
    std::chrono::nanoseconds d;
    const char* want;
  };
  const std::vector<Case> cases = {
      {-seconds(3), "<invalid>"},
      {-seconds(2), "<invalid>"},
      {-milliseconds(1900), "0s"},  // truncated to -1s: clock skew, treated as now
      {-seconds(1), "0s"},
      {seconds(0), "0s"},
      {milliseconds(5900), "5s"},
      {seconds(119), "119s"},
      {seconds(120), "2m"},
      {seconds(200), "3m20s"},
      {seconds(599), "9m59s"},
      {minutes(10), "10m"},
      {minutes(10) + seconds(30), "10m"},
      {minutes(179), "179m"},
      {hours(3), "3h"},
      {hours(3) + minutes(5), "3h5m"},
      {hours(7) + minutes(59), "7h59m"},
      {hours(8) + minutes(30), "8h"},
      {hours(47), "47h"},
      {hours(48), "2d"},
      {hours(53), "2d5h"},
      {hours(24 * 7 + 23), "7d23h"},
      {hours(24 * 8), "8d"},
      {hours(24 * 729), "729d"},
      {hours(24 * 730), "2y"},
      {hours(24 * (4 * 365 + 120)), "4y120d"},
      {hours(24 * 365 * 8), "8y"},
      {hours(24 * 365 * 10 + 24 * 100), "10y"},
  };
  for (const Case& c : cases) {
    INFO("d = " << c.d.count() << "ns");
    CHECK(HumanDuration(c.d) == c.want);
  }
}

TEST_CASE("RFC 3339 timestamps parse as metav1.Time", "[printers]") {
  using printers::ParseRfc3339;
  auto t = ParseRfc3339("2026-01-01T00:00:00Z");
  REQUIRE(t);
  CHECK(t->seconds == 1767225600);
  CHECK(t->nanos == 0);
  auto micro = ParseRfc3339("2026-01-01T00:00:00.001500Z");
  REQUIRE(micro);
  CHECK(micro->nanos == 1500000);
  auto offset = ParseRfc3339("2026-01-01T02:00:00+02:00");
  REQUIRE(offset);
  CHECK(offset->seconds == 1767225600);
  auto leap = ParseRfc3339("2024-02-29T12:00:00Z");
  REQUIRE(leap);
  CHECK(leap->seconds == 1709208000);
  CHECK(ParseRfc3339("1969-12-31T23:59:59Z")->seconds == -1);

  CHECK_FALSE(ParseRfc3339("0001-01-01T00:00:00Z"));  // Go's zero time: unset
  for (const char* bad :
       {"", "2026-01-01", "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z", "2026-01-01T24:00:00Z",
        "2026-01-01T00:00:00", "2026-01-01T00:00:00.Z", "2026-01-01T00:00:00Zjunk", "yesterday"}) {
    INFO(bad);
    CHECK_FALSE(ParseRfc3339(bad));
  }
}

TEST_CASE("AGE is <unknown> without a creation timestamp", "[printers]") {
  Fixture f;
  json cm = {{"metadata", {{"name", "c"}}}};
  CHECK(f.Cells("v1", "ConfigMap", cm) == json({"c", 0, "<unknown>"}));
  cm["metadata"]["creationTimestamp"] = "not a time";
  CHECK(f.Cells("v1", "ConfigMap", cm)[2] == "<unknown>");
  cm["metadata"]["creationTimestamp"] = f.Ago(-seconds(30));  // in the future
  CHECK(f.Cells("v1", "ConfigMap", cm)[2] == "<invalid>");
}

// --- Pods ------------------------------------------------------------------

TEST_CASE("running pod with restarts", "[printers]") {
  Fixture f;
  json web = RunningContainer("web", 3);
  web["lastState"] = {
      {"terminated",
       {{"exitCode", 137}, {"reason", "OOMKilled"}, {"finishedAt", f.Ago(minutes(5))}}}};
  json sidecar = RunningContainer("log", 1);
  sidecar["lastState"] = {{"terminated", {{"exitCode", 1}, {"finishedAt", f.Ago(hours(2))}}}};
  json pod = {
      {"kind", "Pod"},
      {"apiVersion", "v1"},
      {"metadata", f.Meta("web-1", hours(53))},
      {"spec", {{"nodeName", "n1"}, {"containers", {{{"name", "web"}}, {{"name", "log"}}}}}},
      {"status",
       {{"phase", "Running"},
        {"podIP", "10.244.0.21"},
        {"podIPs", {{{"ip", "10.244.0.21"}}, {{"ip", "fd00::21"}}}},
        {"conditions", {{{"type", "Ready"}, {"status", "True"}}}},
        {"containerStatuses", {web, sidecar}}}}};
  CHECK(f.Cells("v1", "Pod", pod) == json({"web-1", "2/2", "Running", "4 (5m ago)", "2d5h",
                                           "10.244.0.21", "n1", "<none>", "<none>"}));
  CHECK(f.Cells("v1", "Pod", pod, false) ==
        json({"web-1", "2/2", "Running", "4 (5m ago)", "2d5h"}));

  // Restarts without a recorded termination time: no "(… ago)".
  pod["status"]["containerStatuses"] = {RunningContainer("web", 2), RunningContainer("log", 0)};
  CHECK(f.Cells("v1", "Pod", pod)[3] == "2");
}

TEST_CASE("pending pods", "[printers]") {
  Fixture f;
  json pod = {{"metadata", f.Meta("p", seconds(5))},
              {"spec", {{"containers", {{{"name", "a"}}, {{"name", "b"}}}}}},
              {"status", {{"phase", "Pending"}}}};
  CHECK(f.Cells("v1", "Pod", pod) ==
        json({"p", "0/2", "Pending", "0", "5s", "<none>", "<none>", "<none>", "<none>"}));

  pod["spec"]["nodeName"] = "n2";
  pod["status"]["containerStatuses"] = {
      {{"name", "a"},
       {"ready", false},
       {"restartCount", 0},
       {"state", {{"waiting", {{"reason", "ContainerCreating"}}}}}},
      {{"name", "b"},
       {"ready", false},
       {"restartCount", 0},
       {"state", {{"waiting", {{"reason", "ErrImagePull"}}}}}}};
  // Containers are read last to first: the first container's reason wins.
  CHECK(f.Cells("v1", "Pod", pod) ==
        json({"p", "0/2", "ContainerCreating", "0", "5s", "<none>", "n2", "<none>", "<none>"}));

  json gated = {
      {"metadata", f.Meta("g", seconds(5))},
      {"spec", {{"containers", {{{"name", "a"}}}}}},
      {"status",
       {{"phase", "Pending"},
        {"conditions",
         {{{"type", "PodScheduled"}, {"status", "False"}, {"reason", "SchedulingGated"}}}}}}};
  CHECK(f.Cells("v1", "Pod", gated)[2] == "SchedulingGated");

  json evicted = {{"metadata", f.Meta("e", seconds(5))},
                  {"spec", {{"containers", {{{"name", "a"}}}}}},
                  {"status", {{"phase", "Failed"}, {"reason", "Evicted"}}}};
  CHECK(f.Cells("v1", "Pod", evicted)[2] == "Evicted");
}

TEST_CASE("crash-looping pod", "[printers]") {
  Fixture f;
  json pod = {
      {"metadata", f.Meta("crash", minutes(12))},
      {"spec", {{"containers", {{{"name", "app"}}}}}},
      {"status",
       {{"phase", "Running"},
        {"podIP", "10.244.0.9"},
        {"containerStatuses",
         {{{"name", "app"},
           {"ready", false},
           {"restartCount", 7},
           {"state", {{"waiting", {{"reason", "CrashLoopBackOff"}, {"message", "back-off 5m0s"}}}}},
           {"lastState",
            {{"terminated",
              {{"exitCode", 1}, {"reason", "Error"}, {"finishedAt", f.Ago(seconds(40))}}}}}}}}}}};
  CHECK(f.Cells("v1", "Pod", pod, false) ==
        json({"crash", "0/1", "CrashLoopBackOff", "7 (40s ago)", "12m"}));

  // Between back-offs the container shows how it last ended.
  pod["status"]["containerStatuses"][0]["state"] = {
      {"terminated", {{"exitCode", 1}, {"reason", "Error"}}}};
  CHECK(f.Cells("v1", "Pod", pod)[2] == "Error");
  pod["status"]["containerStatuses"][0]["state"] = {{"terminated", {{"exitCode", 2}}}};
  CHECK(f.Cells("v1", "Pod", pod)[2] == "ExitCode:2");
  pod["status"]["containerStatuses"][0]["state"] = {
      {"terminated", {{"exitCode", 137}, {"signal", 9}}}};
  CHECK(f.Cells("v1", "Pod", pod)[2] == "Signal:9");
}

TEST_CASE("terminating pods", "[printers]") {
  Fixture f;
  json pod = {{"metadata", f.Meta("t", hours(1))},
              {"spec", {{"nodeName", "n1"}, {"containers", {{{"name", "app"}}}}}},
              {"status",
               {{"phase", "Running"},
                {"conditions", {{{"type", "Ready"}, {"status", "True"}}}},
                {"containerStatuses", {RunningContainer("app", 0)}}}}};
  pod["metadata"]["deletionTimestamp"] = f.Ago(seconds(3));
  CHECK(f.Cells("v1", "Pod", pod, false) == json({"t", "1/1", "Terminating", "0", "60m"}));

  pod["status"]["reason"] = "NodeLost";
  CHECK(f.Cells("v1", "Pod", pod)[2] == "Unknown");

  // A finished pod being deleted keeps its final status.
  json done = {{"metadata", f.Meta("d", hours(1))},
               {"spec", {{"containers", {{{"name", "app"}}}}}},
               {"status",
                {{"phase", "Succeeded"},
                 {"containerStatuses",
                  {{{"name", "app"},
                    {"ready", false},
                    {"restartCount", 0},
                    {"state", {{"terminated", {{"exitCode", 0}, {"reason", "Completed"}}}}}}}}}}};
  done["metadata"]["deletionTimestamp"] = f.Ago(seconds(3));
  CHECK(f.Cells("v1", "Pod", done)[2] == "Completed");
}

TEST_CASE("completed pods carry a Completed row condition", "[printers]") {
  Fixture f;
  json pod = {{"metadata", f.Meta("job-x", minutes(3))},
              {"spec", {{"containers", {{{"name", "app"}}}}}},
              {"status",
               {{"phase", "Succeeded"},
                {"containerStatuses",
                 {{{"name", "app"},
                   {"ready", false},
                   {"restartCount", 0},
                   {"state", {{"terminated", {{"exitCode", 0}, {"reason", "Completed"}}}}}}}}}}};
  json table = ToTable(Kind("v1", "Pod"), {pod}, TableOptions{}, f.clock, "1");
  const json& row = table["rows"][0];
  CHECK(row["cells"] == json({"job-x", "0/1", "Completed", "0", "3m"}));
  REQUIRE(row.contains("conditions"));
  CHECK(row["conditions"][0]["type"] == "Completed");
  CHECK(row["conditions"][0]["status"] == "True");
  CHECK(row["conditions"][0]["reason"] == "Succeeded");

  pod["status"]["phase"] = "Running";
  table = ToTable(Kind("v1", "Pod"), {pod}, TableOptions{}, f.clock, "1");
  CHECK_FALSE(table["rows"][0].contains("conditions"));
}

TEST_CASE("a completed container beside running ones", "[printers]") {
  Fixture f;
  json done = {{"name", "init-job"},
               {"ready", false},
               {"restartCount", 0},
               {"state", {{"terminated", {{"exitCode", 0}, {"reason", "Completed"}}}}}};
  json pod = {{"metadata", f.Meta("mix", minutes(1))},
              {"spec", {{"containers", {{{"name", "init-job"}}, {{"name", "app"}}}}}},
              {"status",
               {{"phase", "Running"},
                {"conditions", {{{"type", "Ready"}, {"status", "True"}}}},
                {"containerStatuses", {done, RunningContainer("app", 0)}}}}};
  CHECK(f.Cells("v1", "Pod", pod)[2] == "Running");
  CHECK(f.Cells("v1", "Pod", pod)[1] == "1/2");
  pod["status"]["conditions"][0]["status"] = "False";
  CHECK(f.Cells("v1", "Pod", pod)[2] == "NotReady");

  json failed = {{"name", "app"},
                 {"ready", false},
                 {"restartCount", 0},
                 {"state", {{"terminated", {{"exitCode", 3}, {"reason", "Error"}}}}}};
  pod["status"]["containerStatuses"] = {done, failed};
  CHECK(f.Cells("v1", "Pod", pod)[2] == "Error");
}

TEST_CASE("init containers", "[printers]") {
  Fixture f;
  json pod = {{"metadata", f.Meta("i", seconds(20))},
              {"spec",
               {{"initContainers", {{{"name", "migrate"}}, {{"name", "warm"}}}},
                {"containers", {{{"name", "app"}}}}}},
              {"status", {{"phase", "Pending"}}}};
  json ok = {{"name", "migrate"},
             {"restartCount", 0},
             {"state", {{"terminated", {{"exitCode", 0}, {"reason", "Completed"}}}}}};
  json running = {{"name", "warm"}, {"restartCount", 0}, {"state", {{"running", json::object()}}}};
  json waiting_app = {{"name", "app"},
                      {"restartCount", 0},
                      {"state", {{"waiting", {{"reason", "PodInitializing"}}}}}};

  pod["status"]["initContainerStatuses"] = {ok, running};
  pod["status"]["containerStatuses"] = {waiting_app};
  CHECK(f.Cells("v1", "Pod", pod, false) == json({"i", "0/1", "Init:1/2", "0", "20s"}));

  json crash = {
      {"name", "migrate"},
      {"restartCount", 4},
      {"state", {{"waiting", {{"reason", "CrashLoopBackOff"}}}}},
      {"lastState", {{"terminated", {{"exitCode", 1}, {"finishedAt", f.Ago(seconds(9))}}}}}};
  pod["status"]["initContainerStatuses"] = {crash, running};
  CHECK(f.Cells("v1", "Pod", pod, false) ==
        json({"i", "0/1", "Init:CrashLoopBackOff", "4 (9s ago)", "20s"}));

  json failed = {{"name", "migrate"},
                 {"restartCount", 0},
                 {"state", {{"terminated", {{"exitCode", 1}, {"reason", "Error"}}}}}};
  pod["status"]["initContainerStatuses"] = {failed};
  CHECK(f.Cells("v1", "Pod", pod)[2] == "Init:Error");
  failed["state"]["terminated"] = {{"exitCode", 2}};
  pod["status"]["initContainerStatuses"] = {failed};
  CHECK(f.Cells("v1", "Pod", pod)[2] == "Init:ExitCode:2");
  failed["state"]["terminated"] = {{"exitCode", 143}, {"signal", 15}};
  pod["status"]["initContainerStatuses"] = {failed};
  CHECK(f.Cells("v1", "Pod", pod)[2] == "Init:Signal:15");

  // Initialized: the app containers decide, and init restarts no longer count.
  json crash_done = ok;
  crash_done["restartCount"] = 4;
  pod["status"]["initContainerStatuses"] = {crash_done, ok};
  pod["status"]["containerStatuses"] = {RunningContainer("app", 0)};
  pod["status"]["phase"] = "Running";
  CHECK(f.Cells("v1", "Pod", pod, false) == json({"i", "1/1", "Running", "0", "20s"}));
}

TEST_CASE("restartable init containers count as containers", "[printers]") {
  Fixture f;
  json proxy = RunningContainer("proxy", 2);
  proxy["lastState"] = {{"terminated", {{"exitCode", 1}, {"finishedAt", f.Ago(minutes(7))}}}};
  json pod = {
      {"metadata", f.Meta("s", hours(1))},
      {"spec",
       {{"initContainers", {{{"name", "proxy"}, {"restartPolicy", "Always"}}}},
        {"containers", {{{"name", "app"}}}}}},
      {"status",
       {{"phase", "Running"},
        {"conditions",
         {{{"type", "Initialized"}, {"status", "True"}}, {{"type", "Ready"}, {"status", "True"}}}},
        {"initContainerStatuses", {proxy}},
        {"containerStatuses", {RunningContainer("app", 1)}}}}};
  CHECK(f.Cells("v1", "Pod", pod, false) == json({"s", "2/2", "Running", "3 (7m ago)", "60m"}));
}

TEST_CASE("pod wide columns: IPs, nominated node, readiness gates", "[printers]") {
  Fixture f;
  json pod = {{"metadata", f.Meta("g", seconds(30))},
              {"spec",
               {{"containers", {{{"name", "app"}}}},
                {"readinessGates",
                 {{{"conditionType", "example.com/lb"}}, {{"conditionType", "example.com/dns"}}}}}},
              {"status",
               {{"phase", "Pending"},
                {"nominatedNodeName", "n3"},
                {"podIP", "10.1.0.5"},
                {"conditions",
                 {{{"type", "example.com/lb"}, {"status", "True"}},
                  {{"type", "example.com/dns"}, {"status", "False"}}}}}}};
  CHECK(f.Cells("v1", "Pod", pod) ==
        json({"g", "0/1", "Pending", "0", "30s", "10.1.0.5", "<none>", "n3", "1/2"}));
}

// --- The Table itself ------------------------------------------------------

TEST_CASE("table envelope, wide columns and priorities", "[printers]") {
  Fixture f;
  json pod = {{"kind", "Pod"},
              {"apiVersion", "v1"},
              {"metadata", f.Meta("a", seconds(1))},
              {"spec", {{"containers", {{{"name", "c"}}}}}},
              {"status", {{"phase", "Pending"}}}};
  TableOptions opts;
  opts.wide = true;
  json table = ToTable(Kind("v1", "Pod"), {pod, pod}, opts, f.clock, "1079", "tok");
  CHECK(table["kind"] == "Table");
  CHECK(table["apiVersion"] == "meta.k8s.io/v1");
  CHECK(table["metadata"] == json({{"resourceVersion", "1079"}, {"continue", "tok"}}));
  CHECK(Names(table) == json({"Name", "Ready", "Status", "Restarts", "Age", "IP", "Node",
                              "Nominated Node", "Readiness Gates"}));
  std::vector<int> priorities;
  for (const json& c : table["columnDefinitions"]) {
    priorities.push_back(c["priority"].get<int>());
    CHECK(c.contains("type"));
    CHECK(c.contains("format"));
    CHECK_FALSE(c["description"].get<std::string>().empty());
  }
  CHECK(priorities == std::vector<int>{0, 0, 0, 0, 0, 1, 1, 1, 1});
  CHECK(table["columnDefinitions"][0]["format"] == "name");
  CHECK(table["rows"].size() == 2);

  opts.wide = false;
  table = ToTable(Kind("v1", "Pod"), {}, opts, f.clock, "");
  CHECK(Names(table) == json({"Name", "Ready", "Status", "Restarts", "Age"}));
  CHECK(table["rows"] == json::array());
  CHECK(table["metadata"] == json::object());

  CHECK(Names(ToTable(Kind("apps/v1", "Deployment"), {}, {true}, f.clock, "")) ==
        json({"Name", "Ready", "Up-to-date", "Available", "Age", "Containers", "Images",
              "Selector"}));
  CHECK(Names(ToTable(Kind("apps/v1", "ReplicaSet"), {}, {true}, f.clock, "")) ==
        json({"Name", "Desired", "Current", "Ready", "Age", "Containers", "Images", "Selector"}));
  CHECK(Names(ToTable(Kind("v1", "Service"), {}, {true}, f.clock, "")) ==
        json({"Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age", "Selector"}));
  CHECK(Names(ToTable(Kind("v1", "Node"), {}, {true}, f.clock, "")) ==
        json({"Name", "Status", "Roles", "Age", "Version", "Internal-IP", "External-IP", "OS-Image",
              "Kernel-Version", "Container-Runtime"}));
  CHECK(Names(ToTable(Kind("v1", "Endpoints"), {}, {true}, f.clock, "")) ==
        json({"Name", "Endpoints", "Age"}));
  CHECK(Names(ToTable(Kind("v1", "Secret"), {}, {true}, f.clock, "")) ==
        json({"Name", "Type", "Data", "Age"}));
  CHECK(Names(ToTable(Kind("coordination.k8s.io/v1", "Lease"), {}, {true}, f.clock, "")) ==
        json({"Name", "Holder", "Age"}));
}

TEST_CASE("row objects follow includeObject", "[printers]") {
  Fixture f;
  json cm = {{"metadata", f.Meta("cfg", seconds(3))}, {"data", {{"k", "v"}}}};  // no kind
  const api::KindInfo& kind = Kind("v1", "ConfigMap");

  TableOptions opts;  // default: the full object
  json row = ToTable(kind, {cm}, opts, f.clock, "1")["rows"][0];
  CHECK(row["object"]["kind"] == "ConfigMap");
  CHECK(row["object"]["apiVersion"] == "v1");
  CHECK(row["object"]["data"] == json({{"k", "v"}}));

  opts.include_object = IncludeObject::kMetadata;
  row = ToTable(kind, {cm}, opts, f.clock, "1")["rows"][0];
  CHECK(row["object"] == json({{"kind", "PartialObjectMetadata"},
                               {"apiVersion", "meta.k8s.io/v1"},
                               {"metadata", cm["metadata"]}}));

  opts.include_object = IncludeObject::kNone;
  row = ToTable(kind, {cm}, opts, f.clock, "1")["rows"][0];
  CHECK_FALSE(row.contains("object"));
  CHECK(row["cells"] == json({"cfg", 1, "3s"}));
}

TEST_CASE("includeObject query values", "[printers]") {
  CHECK(ParseIncludeObject("").value() == IncludeObject::kMetadata);
  CHECK(ParseIncludeObject("Metadata").value() == IncludeObject::kMetadata);
  CHECK(ParseIncludeObject("Object").value() == IncludeObject::kObject);
  CHECK(ParseIncludeObject("None").value() == IncludeObject::kNone);
  auto bad = ParseIncludeObject("object");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == Code::kBadRequest);
}

TEST_CASE("one-row tables for a watch", "[printers]") {
  Fixture f;
  json pod = {
      {"metadata", f.Meta("w1", seconds(0))},
      {"spec", {{"containers", {{{"name", "c"}}}}}},
      {"status", {{"phase", "Running"}, {"containerStatuses", {RunningContainer("c", 0)}}}}};
  TableOptions opts;
  opts.wide = true;
  opts.include_object = IncludeObject::kMetadata;
  json first = ToTable(Kind("v1", "Pod"), {pod}, opts, f.clock, "1018");
  CHECK(first["metadata"] == json({{"resourceVersion", "1018"}}));
  CHECK(first["columnDefinitions"].size() == 9);
  REQUIRE(first["rows"].size() == 1);
  CHECK(first["rows"][0]["cells"] ==
        json({"w1", "1/1", "Running", "0", "0s", "<none>", "<none>", "<none>", "<none>"}));
  CHECK(first["rows"][0]["object"]["kind"] == "PartialObjectMetadata");

  opts.no_headers = true;
  json later = ToTable(Kind("v1", "Pod"), {pod}, opts, f.clock, "1019");
  CHECK(later["columnDefinitions"] == json::array());
  CHECK(later["rows"][0]["cells"] == first["rows"][0]["cells"]);
}

TEST_CASE("any other kind prints NAME and AGE", "[printers]") {
  Fixture f;
  api::KindInfo widget{"example.com", "v1", "Widget", "widgets", "widget", {}, true};
  json w = {{"metadata", f.Meta("w", minutes(3))}};
  json table = ToTable(widget, {w}, {true}, f.clock, "5");
  CHECK(Names(table) == json({"Name", "Age"}));
  CHECK(table["rows"][0]["cells"] == json({"w", "3m"}));
}

TEST_CASE("malformed objects still print a row", "[printers]") {
  Fixture f;
  const std::vector<json> weird = {
      json(),
      json::array({1, 2}),
      json("pod"),
      json({{"metadata", 5}, {"spec", "x"}, {"status", json::array()}}),
      json({{"metadata", {{"name", 7}, {"creationTimestamp", 12}, {"labels", {{"a", 1}}}}},
            {"spec",
             {{"containers", "nope"},
              {"initContainers", {1, "x", nullptr}},
              {"replicas", "3"},
              {"selector", {{"matchLabels", {{"a", 1}}}}},
              {"ports", {{{"port", "80"}, {"nodePort", -1}}}},
              {"type", 5}}},
            {"status",
             {{"containerStatuses", {nullptr, 3, {{"state", "running"}}}},
              {"initContainerStatuses", {{{"state", {{"terminated", 1}}}}}},
              {"conditions", {{{"type", "Ready"}}}},
              {"loadBalancer", {{"ingress", "x"}}},
              {"addresses", {7}}}},
            {"subsets", {{{"addresses", {{{"ip", 1}}}}, {"ports", {"x"}}}}},
            {"series", "x"},
            {"involvedObject", 4},
            {"data", "x"}}),
  };
  for (const api::KindInfo& kind : api::AllKinds()) {
    for (const json& obj : weird) {
      INFO(kind.kind << " " << obj.dump());
      json table;
      REQUIRE_NOTHROW(table = ToTable(kind, {obj}, {true}, f.clock, "1"));
      REQUIRE(table["rows"].size() == 1);
      CHECK(table["rows"][0]["cells"].size() == table["columnDefinitions"].size());
    }
  }
}

}  // namespace
}  // namespace skiff::apiserver
