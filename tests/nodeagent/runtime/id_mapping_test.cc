#include "nodeagent/runtime/id_mapping.h"

#include <catch2/catch.hpp>

namespace skiff::runtime {
namespace {

ContainerSpec UsernsSpec() {
  ContainerSpec spec;
  spec.id = "u";
  spec.rootfs.lower_dirs = {"/layers/a"};
  spec.process.args = {"sh"};
  spec.namespaces.user.mode = NamespaceSpec::Mode::kNew;
  spec.namespaces.uid_mappings = {{0, 100000, 65536}};
  spec.namespaces.gid_mappings = {{0, 100000, 65536}};
  return spec;
}

std::vector<std::string> Fields(const ContainerSpec& spec) {
  Status status = ValidateSpec(spec);
  std::vector<std::string> out;
  for (const auto& c : status.causes()) out.push_back(c.field);
  return out;
}

TEST_CASE("host ids of container ids") {
  std::vector<IdMapping> m = {{0, 100000, 1000}, {1000, 500000, 10}};
  CHECK(HostId(m, 0) == 100000u);
  CHECK(HostId(m, 999) == 100999u);
  CHECK(HostId(m, 1005) == 500005u);
  CHECK_FALSE(HostId(m, 1010).has_value());
}

TEST_CASE("the uid_map text has one line per mapping") {
  CHECK(FormatIdMap({{0, 100000, 65536}, {65536, 1000, 1}}) == "0 100000 65536\n65536 1000 1\n");
}

TEST_CASE("mappings parse from CONTAINER:HOST:SIZE") {
  auto m = ParseIdMapping("0:100000:65536");
  REQUIRE(m.ok());
  CHECK(m->container_id == 0);
  CHECK(m->host_id == 100000);
  CHECK(m->size == 65536);
  for (const char* bad : {"", "0:1", "0:1:2:3", "a:1:2", "0::2", "-1:1:2", "0:1:99999999999"}) {
    INFO(bad);
    CHECK(ParseIdMapping(bad).status().code() == Code::kInvalid);
  }
}

TEST_CASE("a new user namespace with mappings of root is valid") {
  CHECK(ValidateSpec(UsernsSpec()).ok());
}

TEST_CASE("bad mappings are named line by line") {
  ContainerSpec spec = UsernsSpec();
  spec.namespaces.uid_mappings = {{0, 100000, 65536},
                                  {1000, 300000, 5},
                                  {70000, 150000, 10},
                                  {80000, 1, 0},
                                  {90000, 4294967290u, 10}};
  CHECK(Fields(spec) == std::vector<std::string>{"namespaces.uid_mappings[1].container_id",
                                                 "namespaces.uid_mappings[2].host_id",
                                                 "namespaces.uid_mappings[3].size",
                                                 "namespaces.uid_mappings[4]"});
  spec = UsernsSpec();
  spec.namespaces.gid_mappings.assign(kMaxIdMappingLines + 1, IdMapping{});
  for (size_t i = 0; i < spec.namespaces.gid_mappings.size(); ++i) {
    spec.namespaces.gid_mappings[i] = {static_cast<uint32_t>(i), static_cast<uint32_t>(1000 + i),
                                       1};
  }
  CHECK(Fields(spec) == std::vector<std::string>{"namespaces.gid_mappings"});
}

TEST_CASE("the process's ids and container root must be mapped") {
  ContainerSpec spec = UsernsSpec();
  spec.namespaces.uid_mappings = {{1, 100001, 100}};
  spec.process.uid = 500;
  spec.process.gid = 70000;
  spec.process.supplementary_groups = {10, 80000};
  CHECK(Fields(spec) == std::vector<std::string>{"namespaces.uid_mappings", "process.uid",
                                                 "process.gid", "process.supplementary_groups[1]"});
}

TEST_CASE("mappings and idmapped mounts need a new user namespace") {
  ContainerSpec spec = UsernsSpec();
  spec.namespaces.user.mode = NamespaceSpec::Mode::kHost;
  spec.mounts.push_back({MountSpec::Type::kBind, "/data", "/data", false, "", true});
  CHECK(Fields(spec) == std::vector<std::string>{"namespaces.uid_mappings", "mounts[0].idmap"});
  spec = UsernsSpec();
  spec.namespaces.user = {NamespaceSpec::Mode::kJoin, "/proc/1/ns/user"};
  spec.namespaces.uid_mappings.clear();
  spec.namespaces.gid_mappings.clear();
  CHECK(Fields(spec) == std::vector<std::string>{"namespaces.user"});
}

}  // namespace
}  // namespace skiff::runtime
