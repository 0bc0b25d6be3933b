// Helpers shared by the cgroup managers: see cgroup_tree.h.
#include "nodeagent/runtime/cgroup_tree.h"

#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <sstream>

namespace skiff::runtime::cgroup_tree {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\n' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

std::optional<uint64_t> ToUint(std::string_view s) {
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

}  // namespace

Status ValidateName(const std::string& name) {
  auto invalid = [&](const std::string& why) {
    return Status::Invalid("cgroup name \"" + name + "\": " + why,
                           {{"cgroup", "FieldValueInvalid", why}});
  };
  if (name.empty()) return invalid("must not be empty");
  if (name.front() == '/') return invalid("must be relative");
  std::istringstream in(name);
  std::string part;
  while (std::getline(in, part, '/')) {
    if (part.empty() || part == "." || part == "..") return invalid("bad path component");
  }
  if (name.back() == '/') return invalid("must not end with /");
  return Status::Ok();
}

std::string Join(const std::string& dir, const std::string& rel) {
  if (rel.empty()) return dir;
  return dir.back() == '/' ? dir + rel : dir + "/" + rel;
}

std::optional<uint64_t> KeyedValue(std::string_view text, std::string_view key) {
  while (!text.empty()) {
    size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    size_t space = line.find(' ');
    if (space == std::string_view::npos || line.substr(0, space) != key) continue;
    return ToUint(Trim(line.substr(space + 1)));
  }
  return std::nullopt;
}

Result<int64_t> ParseLimit(std::string_view text, const std::string& file) {
  std::string_view t = Trim(text);
  if (t == "max") return int64_t{-1};
  if (t == "-1") return int64_t{-1};
  auto v = ToUint(t);
  if (!v) return Status::Internal("parse " + file + ": not a number: \"" + std::string(t) + "\"");
  return static_cast<int64_t>(std::min<uint64_t>(*v, INT64_MAX));
}

Result<uint64_t> ReadUint(CgroupFs& fs, const std::string& file) {
  auto text = fs.Read(file);
  if (!text.ok()) return text.status();
  auto v = ToUint(Trim(*text));
  if (!v) return Status::Internal("parse " + file + ": not a number: \"" + *text + "\"");
  return *v;
}

Result<std::vector<pid_t>> ReadPids(CgroupFs& fs, const std::string& procs_file) {
  auto text = fs.Read(procs_file);
  if (!text.ok()) return text.status();
  std::vector<pid_t> pids;
  std::istringstream in(*text);
  long pid;
  while (in >> pid) pids.push_back(static_cast<pid_t>(pid));
  return pids;
}

Status MakeDirs(CgroupFs& fs, const std::string& base, const std::string& rel,
                const std::function<Status(const std::string&)>& init,
                std::vector<std::string>& made) {
  auto make_one = [&](const std::string& dir, bool leaf) -> Status {
    Status s = fs.Mkdir(dir);
    if (s.code() == Code::kAlreadyExists) {
      if (leaf) return Status(Code::kAlreadyExists, "cgroup " + dir + " already exists", EEXIST);
      // Another creator may have made it a moment ago and not set it up yet.
      return init(dir);
    }
    if (!s.ok()) return s;
    made.push_back(dir);
    return init(dir);
  };
  // The hierarchy mount point always exists; everything below it may not.
  std::string dir = base;
  if (!fs.Exists(dir)) SKIFF_RETURN_IF_ERROR(make_one(dir, false));
  std::istringstream in(rel);
  std::string part;
  std::vector<std::string> parts;
  while (std::getline(in, part, '/')) parts.push_back(part);
  for (size_t i = 0; i < parts.size(); ++i) {
    dir = Join(dir, parts[i]);
    SKIFF_RETURN_IF_ERROR(make_one(dir, i + 1 == parts.size()));
  }
  return Status::Ok();
}

void RemoveDirs(CgroupFs& fs, const std::vector<std::string>& dirs) {
  for (auto it = dirs.rbegin(); it != dirs.rend(); ++it) (void)fs.Rmdir(*it);
}

Result<std::vector<std::string>> TreeDeepestFirst(CgroupFs& fs, const std::string& dir) {
  std::vector<std::string> out;
  if (!fs.Exists(dir)) return out;
  auto children = fs.ListDirs(dir);
  if (!children.ok()) {
    if (children.status().code() == Code::kNotFound) return out;
    return children.status();
  }
  for (const std::string& child : *children) {
    auto sub = TreeDeepestFirst(fs, Join(dir, child));
    if (!sub.ok()) return sub.status();
    out.insert(out.end(), sub->begin(), sub->end());
  }
  out.push_back(dir);
  return out;
}

Result<bool> TreeHasProcesses(CgroupFs& fs, const std::string& dir) {
  auto tree = TreeDeepestFirst(fs, dir);
  if (!tree.ok()) return tree.status();
  for (const std::string& d : *tree) {
    auto pids = ReadPids(fs, Join(d, "cgroup.procs"));
    if (!pids.ok() && pids.status().code() != Code::kNotFound) return pids.status();
    if (pids.ok() && !pids->empty()) return true;
  }
  return false;
}

Status SignalTree(CgroupFs& fs, const std::string& dir, int sig) {
  auto tree = TreeDeepestFirst(fs, dir);
  if (!tree.ok()) return tree.status();
  for (const std::string& d : *tree) {
    auto pids = ReadPids(fs, Join(d, "cgroup.procs"));
    if (!pids.ok()) {
      if (pids.status().code() == Code::kNotFound) continue;
      return pids.status();
    }
    for (pid_t pid : *pids) {
      int err = fs.Kill(pid, sig);
      if (err != 0 && err != ESRCH) {
        return Status::FromErrno(err, "kill " + std::to_string(pid) + " in " + d);
      }
    }
  }
  return Status::Ok();
}

Status RemoveTree(CgroupFs& fs, const std::string& dir, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  Backoff backoff;
  for (;;) {
    auto tree = TreeDeepestFirst(fs, dir);
    if (!tree.ok()) return tree.status();
    std::string busy;
    for (const std::string& d : *tree) {
      auto pids = ReadPids(fs, Join(d, "cgroup.procs"));
      if (!pids.ok() && pids.status().code() != Code::kNotFound) return pids.status();
      if (pids.ok() && !pids->empty()) {
        for (pid_t pid : *pids) (void)fs.Kill(pid, SIGKILL);
        busy = d;
        continue;
      }
      Status s = fs.Rmdir(d);
      if (s.ok() || s.code() == Code::kNotFound) continue;
      if (s.sys_errno() != EBUSY) return s;
      busy = d;
    }
    if (busy.empty()) return Status::Ok();
    if (std::chrono::steady_clock::now() >= deadline) {
      return Status(
          Code::kUnavailable,
          "cgroup " + busy + " still busy after " + std::to_string(timeout.count()) + "ms", EBUSY);
    }
    backoff.Wait(fs);
  }
}

Status WaitForLine(CgroupFs& fs, const std::string& file, const std::string& want_line,
                   std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  Backoff backoff;
  for (;;) {
    auto text = fs.Read(file);
    if (!text.ok()) return text.status();
    std::istringstream in(*text);
    std::string line;
    while (std::getline(in, line)) {
      if (Trim(line) == want_line) return Status::Ok();
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return Status(Code::kUnavailable, file + " did not reach \"" + want_line + "\"", ETIMEDOUT);
    }
    backoff.Wait(fs);
  }
}

}  // namespace skiff::runtime::cgroup_tree
