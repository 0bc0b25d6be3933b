#include "nodeagent/cli/run_config.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "nodeagent/cli/image_user.h"
#include "nodeagent/cli/units.h"
#include "nodeagent/runtime/id_mapping.h"

namespace skiff::cli {
namespace {

Status BadFlag(const std::string& flag, const std::string& value, const std::string& rule) {
  return Status::Invalid(flag + ": \"" + value + "\" " + rule, {{flag, "FieldValueInvalid", rule}});
}

std::string KeyOf(const std::string& assignment) { return assignment.substr(0, assignment.find('=')); }

// Sets KEY=value unless KEY is already there.
void SetDefault(std::vector<std::string>& env, const std::string& key, const std::string& value) {
  for (const std::string& entry : env) {
    if (KeyOf(entry) == key) return;
  }
  env.push_back(key + "=" + value);
}

Result<runtime::MountSpec> ParseVolume(const std::string& text) {
  constexpr const char* kRule = "is not HOST:CTR[:ro|rw][,idmap] with absolute paths";
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    size_t colon = text.find(':', start);
    parts.push_back(text.substr(start, colon == std::string::npos ? colon : colon - start));
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  if (parts.size() < 2 || parts.size() > 3) return BadFlag("-v", text, kRule);
  runtime::MountSpec mount;
  mount.source = parts[0];
  mount.target = parts[1];
  for (size_t start = 0; parts.size() == 3 && start <= parts[2].size();) {
    size_t comma = std::min(parts[2].find(',', start), parts[2].size());
    std::string option = parts[2].substr(start, comma - start);
    if (option == "idmap") {
      mount.idmap = true;
    } else if (option == "ro" || option == "rw") {
      mount.readonly = option == "ro";
    } else {
      return BadFlag("-v", text, kRule);
    }
    start = comma + 1;
  }
  if (mount.source.empty() || mount.source[0] != '/' || mount.target.empty() || mount.target[0] != '/') {
    return BadFlag("-v", text, kRule);
  }
  struct stat st;
  if (::stat(mount.source.c_str(), &st) < 0) {
    return BadFlag("-v", text, std::string("names a host path that cannot be used: ") + strerror(errno));
  }
  return mount;
}

Status ApplyResources(const RunOptions& options, runtime::CgroupResources& resources) {
  if (!options.memory.empty()) {
    Result<int64_t> bytes = ParseMemoryBytes(options.memory);
    if (!bytes.ok()) return bytes.status();
    resources.memory_limit_bytes = *bytes;
  }
  if (!options.cpus.empty()) {
    Result<int64_t> quota = ParseCpuQuotaUs(options.cpus);
    if (!quota.ok()) return quota.status();
    resources.cpu_quota_us = *quota;
    resources.cpu_period_us = kCpuPeriodUs;
  }
  if (!options.pids.empty()) {
    char* end = nullptr;
    long long pids = std::strtoll(options.pids.c_str(), &end, 10);
    if (*end != '\0' || options.pids.empty() || pids < 1) {
      return BadFlag("--pids", options.pids, "is not a positive number of processes");
    }
    resources.pids_limit = pids;
  }
  return Status::Ok();
}

Result<std::vector<runtime::IdMapping>> ParseMappings(const std::string& flag,
                                                     const std::vector<std::string>& texts) {
  std::vector<runtime::IdMapping> out;
  for (const std::string& text : texts) {
    Result<runtime::IdMapping> m = runtime::ParseIdMapping(text);
    if (!m.ok()) return BadFlag(flag, text, "is not CONTAINER_ID:HOST_ID:SIZE");
    out.push_back(*m);
  }
  return out;
}

// --userns, --uidmap and --gidmap; the runtime validates the mappings.
Status ApplyUserNamespace(const RunOptions& options, runtime::NamespacesSpec& ns) {
  bool maps = !options.uidmap.empty() || !options.gidmap.empty();
  if (options.userns != "" && options.userns != "host" && options.userns != "auto") {
    return BadFlag("--userns", options.userns, "is not one of: host, auto");
  }
  if (maps && !options.userns.empty()) {
    return BadFlag("--userns", options.userns, "cannot be given with --uidmap or --gidmap");
  }
  if (options.userns == "auto") {
    ns.user.mode = runtime::NamespaceSpec::Mode::kNew;
    ns.uid_mappings = ns.gid_mappings = {{0, kAutoUsernsHostId, kAutoUsernsSize}};
    return Status::Ok();
  }
  if (!maps) return Status::Ok();
  Result<std::vector<runtime::IdMapping>> uids = ParseMappings("--uidmap", options.uidmap);
  if (!uids.ok()) return uids.status();
  Result<std::vector<runtime::IdMapping>> gids = ParseMappings("--gidmap", options.gidmap);
  if (!gids.ok()) return gids.status();
  ns.user.mode = runtime::NamespaceSpec::Mode::kNew;
  ns.uid_mappings = uids->empty() ? *gids : *uids;
  ns.gid_mappings = gids->empty() ? *uids : *gids;
  return Status::Ok();
}

}  // namespace

Result<std::vector<std::string>> MergeCommand(const RunOptions& options, const images::ImageConfig& config) {
  std::vector<std::string> args = options.entrypoint ? *options.entrypoint : config.entrypoint;
  if (options.entrypoint && args.size() == 1 && args[0].empty()) args.clear();
  if (!options.command.empty()) {
    args.insert(args.end(), options.command.begin(), options.command.end());
  } else if (!options.entrypoint) {
    args.insert(args.end(), config.cmd.begin(), config.cmd.end());
  }
  if (args.empty()) {
    return Status::Invalid("no command: the image has no Entrypoint or Cmd, give one after IMAGE",
                           {{"command", "FieldValueRequired", "the image has no Entrypoint or Cmd"}});
  }
  return args;
}

Result<std::vector<std::string>> MergeEnv(const std::vector<std::string>& image_env,
                                          const std::vector<std::string>& overrides) {
  std::vector<std::string> env = image_env;
  for (std::string entry : overrides) {
    if (entry.empty() || entry[0] == '=') return BadFlag("-e", entry, "is not KEY=VALUE");
    if (entry.find('=') == std::string::npos) {
      const char* host = std::getenv(entry.c_str());
      if (host == nullptr) continue;
      entry += std::string("=") + host;
    }
    bool replaced = false;
    for (std::string& existing : env) {
      if (KeyOf(existing) == KeyOf(entry)) {
        existing = entry;
        replaced = true;
      }
    }
    if (!replaced) env.push_back(entry);
  }
  return env;
}

Result<runtime::ContainerSpec> BuildContainerSpec(const RunOptions& options, const images::Image& image) {
  runtime::ContainerSpec spec;
  spec.id = options.id;
  spec.hostname = options.hostname;
  Result<std::vector<std::string>> args = MergeCommand(options, image.config);
  if (!args.ok()) return args.status();
  spec.process.args = std::move(*args);

  Result<ImageUser> user =
      ResolveImageUser(image.layer_dirs, options.user.empty() ? image.config.user : options.user);
  if (!user.ok()) return user.status().WithContext("--user");
  spec.process.uid = user->uid;
  spec.process.gid = user->gid;
  spec.process.supplementary_groups = user->supplementary_groups;

  Result<std::vector<std::string>> env = MergeEnv(image.config.env, options.env);
  if (!env.ok()) return env.status();
  spec.process.env = std::move(*env);
  SetDefault(spec.process.env, "PATH", std::string(kDefaultPath).substr(5));
  constexpr size_t kMaxHostname = 63;
  SetDefault(spec.process.env, "HOSTNAME",
             options.hostname.empty() ? options.id.substr(0, kMaxHostname) : options.hostname);
  SetDefault(spec.process.env, "HOME", user->home);

  spec.process.cwd = !options.workdir.empty()            ? options.workdir
                     : !image.config.working_dir.empty() ? image.config.working_dir
                                                         : "/";
  if (spec.process.cwd[0] != '/') return BadFlag("-w", spec.process.cwd, "is not an absolute path");

  spec.rootfs.lower_dirs.assign(image.layer_dirs.rbegin(), image.layer_dirs.rend());
  spec.rootfs.readonly = options.read_only;
  for (const std::string& volume : options.volumes) {
    Result<runtime::MountSpec> mount = ParseVolume(volume);
    if (!mount.ok()) return mount.status();
    spec.mounts.push_back(std::move(*mount));
  }
  SKIFF_RETURN_IF_ERROR(ApplyResources(options, spec.resources));
  SKIFF_RETURN_IF_ERROR(ApplyUserNamespace(options, spec.namespaces));
  if (options.network == "host") {
    spec.namespaces.net.mode = runtime::NamespaceSpec::Mode::kHost;
  } else if (options.network != "none") {
    return BadFlag("--network", options.network, "is not one of: none, host");
  }
  return spec;
}

}  // namespace skiff::cli
