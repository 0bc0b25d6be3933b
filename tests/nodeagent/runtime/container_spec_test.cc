#include "nodeagent/runtime/container_spec.h"

#include <catch2/catch.hpp>

namespace skiff::runtime {
namespace {

ContainerSpec Valid() {
  ContainerSpec spec;
  spec.id = "web-1";
  spec.rootfs.lower_dirs = {"/layers/a", "/layers/b"};
  spec.process.args = {"sh"};
  return spec;
}

std::vector<std::string> Fields(const Status& s) {
  std::vector<std::string> out;
  for (const auto& c : s.causes()) out.push_back(c.field);
  return out;
}

TEST_CASE("a plain spec is valid") { CHECK(ValidateSpec(Valid()).ok()); }

TEST_CASE("each bad field of a spec is named") {
  ContainerSpec spec = Valid();
  spec.id = "../etc";
  spec.rootfs.plain_dir = "/root";
  spec.process.args.clear();
  spec.process.cwd = "relative";
  spec.process.env = {"NOEQUALS"};
  spec.mounts.push_back({MountSpec::Type::kBind, "rel", "/a/../b", false, ""});
  spec.namespaces.net = {NamespaceSpec::Mode::kJoin, ""};
  spec.namespaces.user = {NamespaceSpec::Mode::kNew, ""};
  Status s = ValidateSpec(spec);
  REQUIRE(s.code() == Code::kInvalid);
  CHECK(Fields(s) == std::vector<std::string>{
                         "id", "rootfs", "process.args", "process.cwd", "process.env[0]",
                         "mounts[0].target", "mounts[0].source", "namespaces.net.path",
                         "namespaces.uid_mappings", "namespaces.gid_mappings"});
  CHECK(s.message().find("process.cwd: must be a clean absolute path") != std::string::npos);
}

TEST_CASE("overlay layer paths cannot smuggle overlay options") {
  ContainerSpec spec = Valid();
  spec.rootfs.lower_dirs = {"/a,upperdir=/etc"};
  CHECK(Fields(ValidateSpec(spec)) == std::vector<std::string>{"rootfs.lower_dirs[0]"});
  spec = Valid();
  spec.rootfs.upper_dir = "/u";
  CHECK(Fields(ValidateSpec(spec)) == std::vector<std::string>{"rootfs.work_dir"});
}

}  // namespace
}  // namespace skiff::runtime
