#include "apiserver/service_allocations.h"

#include <catch2/catch.hpp>

namespace skiff::apiserver {
namespace {

using nlohmann::json;

json Service(const std::string& name, const std::string& type = "ClusterIP", json ports = json::array()) {
  return {{"metadata", {{"name", name}}}, {"spec", {{"type", type}, {"ports", ports}}}};
}

TEST_CASE("cluster IPs are unique, in range and given back", "[apiserver][allocations]") {
  ServiceAllocations alloc(ServiceRanges{(10u << 24) | (96u << 16), 28, 30000, 30002});  // 16 addresses
  std::set<std::string> seen;
  std::vector<json> made;
  for (int i = 0; i < 13; ++i) {  // 16 minus network, reserved .1 and broadcast
    json svc = Service("s" + std::to_string(i));
    REQUIRE(alloc.BeforeCreate(svc).ok());
    std::string ip = svc["spec"]["clusterIP"];
    CHECK(svc["spec"]["clusterIPs"] == json::array({ip}));
    CHECK(seen.insert(ip).second);
    CHECK(ip.rfind("10.96.0.", 0) == 0);
    CHECK(ip != "10.96.0.0");
    CHECK(ip != "10.96.0.1");
    CHECK(ip != "10.96.0.15");
    made.push_back(svc);
  }
  json full = Service("full");
  CHECK(alloc.BeforeCreate(full).code() == Code::kInternal);
  alloc.Deleted(made[3]);
  json again = Service("again");
  REQUIRE(alloc.BeforeCreate(again).ok());
  CHECK(again["spec"]["clusterIP"] == made[3]["spec"]["clusterIP"]);
}

TEST_CASE("a requested cluster IP is honoured once", "[apiserver][allocations]") {
  ServiceAllocations alloc;
  json a = Service("a");
  a["spec"]["clusterIP"] = "10.96.5.5";
  REQUIRE(alloc.BeforeCreate(a).ok());
  json b = Service("b");
  b["spec"]["clusterIP"] = "10.96.5.5";
  Status taken = alloc.BeforeCreate(b);
  REQUIRE(taken.code() == Code::kInvalid);
  CHECK(taken.causes().at(0).field == "spec.clusterIPs");
  CHECK(taken.message().find("provided IP is already allocated") != std::string::npos);
  json c = Service("c");
  c["spec"]["clusterIP"] = "192.168.1.1";
  CHECK(alloc.BeforeCreate(c).message().find("not in the valid range") != std::string::npos);
  json headless = Service("h");
  headless["spec"]["clusterIP"] = "None";
  REQUIRE(alloc.BeforeCreate(headless).ok());
  CHECK(headless["spec"]["clusterIPs"] == json::array({"None"}));
}

TEST_CASE("node ports: allocated, requested, conflicts leave nothing held", "[apiserver][allocations]") {
  ServiceAllocations alloc(ServiceRanges{(10u << 24) | (96u << 16), 12, 30000, 30002});
  json np = Service("np", "NodePort", json::array({{{"port", 80}}, {{"port", 443}, {"nodePort", 30002}}}));
  REQUIRE(alloc.BeforeCreate(np).ok());
  CHECK(np["spec"]["ports"][0]["nodePort"] == 30000);
  CHECK(np["spec"]["ports"][1]["nodePort"] == 30002);

  // Asks for one free and one taken port: rejected, and the free one is not kept.
  json clash = Service("clash", "NodePort", json::array({{{"port", 1}, {"nodePort", 30001}}, {{"port", 2}, {"nodePort", 30002}}}));
  Status s = alloc.BeforeCreate(clash);
  REQUIRE(s.code() == Code::kInvalid);
  CHECK(s.causes().at(0).field == "spec.ports[1].nodePort");
  json takes_free = Service("free", "NodePort", json::array({{{"port", 1}, {"nodePort", 30001}}}));
  CHECK(alloc.BeforeCreate(takes_free).ok());

  // An update keeps the ports the service already holds; switching to ClusterIP gives them back.
  json updated = np;
  REQUIRE(alloc.BeforeUpdate(updated, np).ok());
  json as_cluster_ip = Service("np", "ClusterIP", json::array({{{"port", 80}}}));
  REQUIRE(alloc.BeforeUpdate(as_cluster_ip, np).ok());
  CHECK(as_cluster_ip["spec"]["clusterIP"] == np["spec"]["clusterIP"]);  // kept from the old object
  alloc.UpdateDone(as_cluster_ip, np);
  json reuse = Service("reuse", "NodePort", json::array({{{"port", 1}, {"nodePort", 30000}}}));
  CHECK(alloc.BeforeCreate(reuse).ok());
}

TEST_CASE("rebuild restores what stored services hold", "[apiserver][allocations]") {
  ServiceAllocations alloc;
  json stored = Service("old", "NodePort", json::array({{{"port", 80}, {"nodePort", 31000}}}));
  stored["spec"]["clusterIP"] = "10.96.0.10";
  alloc.Rebuild({stored});
  json same_ip = Service("x");
  same_ip["spec"]["clusterIP"] = "10.96.0.10";
  CHECK(alloc.BeforeCreate(same_ip).code() == Code::kInvalid);
  json same_port = Service("y", "NodePort", json::array({{{"port", 80}, {"nodePort", 31000}}}));
  CHECK(alloc.BeforeCreate(same_port).code() == Code::kInvalid);
}

}  // namespace
}  // namespace skiff::apiserver
