// skiff container run [flags] IMAGE [--] [CMD ARGS...]
//
// Pulls the image when absent, builds the container (run_config.h), starts it
// and, unless -d, streams its output until it exits and returns its exit code
// ("OOMKilled" on stderr when the memory limit killed it). --rm deletes it
// afterwards; with -d a small reaper process waits for the end to do that.
// Should this process (or the reaper) be killed, the next `skiff container`
// verb removes a --rm container that has ended, and one never started.
#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>

#include "nodeagent/cli/arg_parser.h"
#include "nodeagent/cli/attach.h"
#include "nodeagent/cli/commands.h"
#include "nodeagent/cli/image_resolver.h"
#include "nodeagent/cli/run_config.h"

namespace skiff::cli {
namespace {

// Adds search (x) for group and others to a directory we own.
Status AllowSearch(const std::string& dir) {
  struct stat st;
  if (dir.empty() || ::stat(dir.c_str(), &st) < 0) return Status::Ok();
  if (st.st_uid != ::geteuid() || (st.st_mode & (S_IXGRP | S_IXOTH)) == (S_IXGRP | S_IXOTH)) {
    return Status::Ok();
  }
  if (::chmod(dir.c_str(), (st.st_mode & 07777) | S_IXGRP | S_IXOTH) < 0) {
    return Status::FromErrno(errno, "chmod go+x " + dir);
  }
  return Status::Ok();
}

const std::string kVerb = "run";

std::string NewContainerId() {
  unsigned char bytes[6];
  if (getrandom(bytes, sizeof bytes, 0) != static_cast<ssize_t>(sizeof bytes)) {
    for (unsigned char& b : bytes) b = static_cast<unsigned char>(std::rand());
  }
  char hex[2 * sizeof bytes + 1];
  for (size_t i = 0; i < sizeof bytes; ++i) std::snprintf(hex + 2 * i, 3, "%02x", bytes[i]);
  return hex;
}

void DeclareRunFlags(ArgParser& parser) {
  for (const char* b : {"--rm", "-d,--detach", "--read-only"}) parser.Bool(b);
  for (const char* v : {"--name", "--memory,-m", "--cpus", "--pids,--pids-limit", "-e,--env",
                        "-w,--workdir", "-u,--user", "-h,--hostname", "-v,--volume", "--entrypoint",
                        "--network,--net", "--userns", "--uidmap", "--gidmap"}) {
    parser.Value(v);
  }
}

Result<RunOptions> ToRunOptions(const ArgParser& parser) {
  RunOptions options;
  std::vector<std::string> rest = parser.positionals();
  if (rest.empty()) return Status::BadRequest("usage: run [flags] IMAGE [--] [CMD ARGS...]");
  options.image = rest[0];
  rest.erase(rest.begin());
  if (!rest.empty() && rest[0] == "--") rest.erase(rest.begin());
  options.command = std::move(rest);
  options.id = parser.Get("--name", NewContainerId());
  if (parser.Has("--entrypoint"))
    options.entrypoint = std::vector<std::string>{parser.Get("--entrypoint")};
  options.env = parser.Values("--env");
  options.workdir = parser.Get("--workdir");
  options.user = parser.Get("--user");
  options.hostname = parser.Get("--hostname");
  options.read_only = parser.Has("--read-only");
  options.volumes = parser.Values("--volume");
  options.memory = parser.Get("--memory");
  options.cpus = parser.Get("--cpus");
  options.pids = parser.Get("--pids-limit");
  options.network = parser.Get("--net", "none");
  options.userns = parser.Get("--userns");
  options.uidmap = parser.Values("--uidmap");
  options.gidmap = parser.Values("--gidmap");
  options.detach = parser.Has("--detach");
  options.remove = parser.Has("--rm");
  return options;
}

// Creates the container and its CLI record under the root's lock, so an
// `image rm` cannot remove the image in between.
Status CreateContainer(CliEnv& env, runtime::Runtime& rt, const RunOptions& options) {
  SKIFF_RETURN_IF_ERROR(env.Lock());
  Result<images::Image> image = EnsureImage(env, options.image);
  if (!image.ok()) {
    if (image.status().code() == Code::kNotFound) {
      return Status::NotFound("no such image: " + options.image + " (" + image.status().message() +
                              ")");
    }
    return image.status();
  }
  Result<runtime::ContainerSpec> spec = BuildContainerSpec(options, *image);
  if (!spec.ok()) return spec.status();
  // This process holds the container (runtime.h) until it exits, and a -d
  // --rm reaper after it: killed before Start the container is removed by the
  // next verb, and a --rm one once it has ended.
  spec->remove_unstarted = true;
  spec->auto_remove = options.remove;
  bool wants_limits = !options.memory.empty() || !options.cpus.empty() || !options.pids.empty();
  if (wants_limits && !env.has_cgroups()) {
    return Status::Unavailable(
        "--memory, --cpus and --pids need cgroups, and no cgroup mount was found");
  }
  // A container's own root (a host uid like 100000) walks to its state by path:
  // our root and the directory made to hold it (/var/lib/skiff) must let it
  // pass (x only: it cannot list them). Anything further up is the user's; the
  // runtime names the directory when one is in the way.
  if (spec->namespaces.user.mode != runtime::NamespaceSpec::Mode::kHost) {
    std::string root = env.root();
    for (const std::string& dir : {root, root.substr(0, root.rfind('/'))}) {
      SKIFF_RETURN_IF_ERROR(AllowSearch(dir));
    }
  }
  SKIFF_RETURN_IF_ERROR(rt.Create(*spec));
  ContainerRecord record{spec->id,           options.image,     image->id,
                         spec->process.args, spec->process.env, spec->process.cwd};
  if (Status s = env.SaveRecord(record); !s.ok()) {
    (void)rt.Delete(spec->id, /*force=*/true);
    return s;
  }
  env.Unlock();
  return Status::Ok();
}

void RemoveContainer(CliEnv& env, runtime::Runtime& rt, const std::string& id) {
  (void)rt.Delete(id, /*force=*/true);
  env.RemoveRecord(id);
}

// A detached process that deletes the container once it stops (run -d --rm).
void SpawnReaper(CliEnv& env, runtime::Runtime& rt, const std::string& id) {
  pid_t child = fork();
  if (child != 0) {
    if (child > 0) waitpid(child, nullptr, 0);  // it forks the reaper and exits at once
    return;
  }
  setsid();
  int null = open("/dev/null", O_RDWR | O_CLOEXEC);
  for (int fd = 0; fd < 3 && null >= 0; ++fd) dup2(null, fd);
  if (fork() != 0) _exit(0);  // the reaper is nobody's child
  constexpr std::chrono::hours kForever{24 * 365};
  for (;;) {
    Result<runtime::ContainerState> state = rt.Wait(id, kForever);
    if (state.ok() || state.status().code() != Code::kTimeout) break;
  }
  RemoveContainer(env, rt, id);
  _exit(0);
}

}  // namespace

int Run(CliEnv& env, const Args& args, std::ostream& out, std::ostream& err) {
  ArgParser parser(ArgParser::Mode::kStopAtPositional);
  DeclareRunFlags(parser);
  if (Status s = parser.Parse(args); !s.ok()) return Fail(err, kVerb, s, kExitRunFailed);
  Result<RunOptions> options = ToRunOptions(parser);
  if (!options.ok()) return Fail(err, kVerb, options.status(), kExitRunFailed);
  Result<runtime::Runtime*> rt = env.Runtime();
  if (!rt.ok()) return Fail(err, kVerb, rt.status(), kExitRunFailed);
  const std::string& id = options->id;
  if (Status s = CreateContainer(env, **rt, *options); !s.ok())
    return Fail(err, kVerb, s, kExitRunFailed);
  if (Status s = (*rt)->Start(id); !s.ok()) {
    if (options->remove) RemoveContainer(env, **rt, id);
    return Fail(err, kVerb, s, kExitRunFailed);
  }
  if (options->detach) {
    out << id << std::endl;
    if (options->remove) SpawnReaper(env, **rt, id);
    return 0;
  }
  out.flush();
  AttachOptions attach;
  attach.forward_signals = true;
  Result<runtime::ContainerState> state = Attach(**rt, id, attach);
  if (!state.ok()) return Fail(err, kVerb, state.status(), kExitRunFailed);
  if (!state->error.empty()) Fail(err, kVerb, "container " + id + ": " + state->error);
  if (state->oom_killed) err << "OOMKilled" << std::endl;
  int code = ShellExitCode(*state);
  if (options->remove) RemoveContainer(env, **rt, id);
  return code;
}

}  // namespace skiff::cli
