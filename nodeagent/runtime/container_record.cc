#include "nodeagent/runtime/container_record.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace skiff::runtime {
namespace {

using nlohmann::json;

json ProcessToJson(const ProcessSpec& p) {
  return {{"args", p.args}, {"env", p.env}, {"cwd", p.cwd},
          {"uid", p.uid},   {"gid", p.gid}, {"groups", p.supplementary_groups}};
}

ProcessSpec ProcessFromJson(const json& j) {
  ProcessSpec p;
  p.args = j.at("args").get<std::vector<std::string>>();
  p.env = j.at("env").get<std::vector<std::string>>();
  p.cwd = j.at("cwd").get<std::string>();
  p.uid = j.at("uid").get<uid_t>();
  p.gid = j.at("gid").get<gid_t>();
  p.supplementary_groups = j.at("groups").get<std::vector<gid_t>>();
  return p;
}

json SecurityToJson(const SecuritySpec& s) {
  return {{"cap_add", s.cap_add},           {"cap_drop", s.cap_drop},
          {"no_new_privs", s.no_new_privs}, {"seccomp", s.seccomp},
          {"masked_paths", s.masked_paths}, {"readonly_paths", s.readonly_paths}};
}

SecuritySpec SecurityFromJson(const json& j) {
  SecuritySpec s;
  s.cap_add = j.at("cap_add").get<std::vector<std::string>>();
  s.cap_drop = j.at("cap_drop").get<std::vector<std::string>>();
  s.no_new_privs = j.at("no_new_privs").get<bool>();
  s.seccomp = j.at("seccomp").get<bool>();
  s.masked_paths = j.at("masked_paths").get<std::vector<std::string>>();
  s.readonly_paths = j.at("readonly_paths").get<std::vector<std::string>>();
  return s;
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    if (errno == ENOENT) return Status::NotFound(path + " does not exist");
    return Status::FromErrno(errno, "read " + path);
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

Status WriteContainerRecord(Sys& sys, const std::string& dir, const ContainerRecord& r) {
  json j = {{"id", r.id},
            {"init_pid", r.init_pid},
            {"init_start_time", r.init_start_time},
            {"monitor_pid", r.monitor_pid},
            {"monitor_start_time", r.monitor_start_time},
            {"log_path", r.log_path},
            {"cgroup", r.cgroup},
            {"owns_overlay_dirs", r.owns_overlay_dirs},
            {"created_at", r.created_at},
            {"started_at", r.started_at},
            {"process", ProcessToJson(r.process)},
            {"security", SecurityToJson(r.security)},
            {"auto_remove", r.auto_remove},
            {"remove_unstarted", r.remove_unstarted}};
  std::string text = j.dump(2) + "\n";
  std::string tmp = dir + "/state.json.tmp", path = dir + "/state.json";
  int fd = sys.Open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::FromErrno(-fd, "write " + tmp);
  ssize_t w = sys.Write(fd, text.data(), text.size());
  close(fd);
  if (w < 0) return Status::FromErrno(static_cast<int>(-w), "write " + tmp);
  if (static_cast<size_t>(w) != text.size()) return Status::FromErrno(EIO, "short write " + tmp);
  int r2 = sys.Rename(tmp.c_str(), path.c_str());
  if (r2 < 0) return Status::FromErrno(-r2, "rename " + tmp);
  return Status::Ok();
}

Result<ContainerRecord> ReadContainerRecord(const std::string& dir) {
  std::string path = dir + "/state.json";
  Result<std::string> text = ReadFile(path);
  if (!text.ok()) return text.status();
  try {
    json j = json::parse(*text);
    ContainerRecord r;
    r.id = j.at("id").get<std::string>();
    r.init_pid = j.at("init_pid").get<pid_t>();
    r.init_start_time = j.at("init_start_time").get<uint64_t>();
    r.monitor_pid = j.at("monitor_pid").get<pid_t>();
    r.monitor_start_time = j.at("monitor_start_time").get<uint64_t>();
    r.log_path = j.at("log_path").get<std::string>();
    r.cgroup = j.at("cgroup").get<std::string>();
    r.owns_overlay_dirs = j.at("owns_overlay_dirs").get<bool>();
    r.created_at = j.at("created_at").get<std::string>();
    r.started_at = j.at("started_at").get<std::string>();
    r.process = ProcessFromJson(j.at("process"));
    r.security = SecurityFromJson(j.at("security"));
    // Absent in records written before Prune existed.
    r.auto_remove = j.value("auto_remove", false);
    r.remove_unstarted = j.value("remove_unstarted", false);
    return r;
  } catch (const json::exception& e) {
    return Status::Internal(path + ": " + e.what());
  }
}

Result<std::optional<ExitRecord>> ReadExitRecord(const std::string& dir) {
  std::string path = dir + "/exit.json";
  Result<std::string> text = ReadFile(path);
  if (!text.ok()) {
    if (text.status().code() == Code::kNotFound) return std::optional<ExitRecord>();
    return text.status();
  }
  try {
    json j = json::parse(*text);
    ExitRecord e;
    e.exit_code = j.at("exit_code").get<int>();
    e.signal = j.at("signal").get<int>();
    e.finished_at = j.at("finished_at").get<std::string>();
    e.error = j.at("error").get<std::string>();
    return std::optional<ExitRecord>(e);
  } catch (const json::exception& e) {
    return Status::Internal(path + ": " + e.what());
  }
}

}  // namespace skiff::runtime
