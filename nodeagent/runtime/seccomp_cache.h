// SeccompCache: the default seccomp program, built once and kept on disk.
//
// libseccomp takes ~15-20 ms of CPU to build the default profile, which every
// process pays on its first container: each `skiff container run`, and the
// node agent after each restart. Get returns the program for a capability set
// from <dir>/<key>.bpf when that file was written for the same inputs, and
// otherwise builds it (BuildDefaultSeccompProgram) and writes the file
// atomically (write a temp file, rename). The key is the profile's inputs
// (DefaultSeccompProfileInputs) plus the identity of the running executable
// (device, inode, size, modification time), so a rebuilt skiff, another
// libseccomp or another kernel never reads a program it did not write; the file
// repeats the whole key in its first line and is ignored when that line, its
// size or its instruction count is wrong.
//
// The directory must be writable only by root (it sits in the runtime's state
// root): whoever can write it chooses the containers' filter. Failing to read or
// write the cache is not an error: Get then builds in memory. What Get returned
// once it returns again from memory. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "base/status.h"
#include "nodeagent/runtime/capabilities.h"
#include "nodeagent/runtime/seccomp_profile.h"

namespace skiff::runtime {

class SeccompCache {
 public:
  // dir empty: no disk cache, only BuildDefaultSeccompProgram's memory cache.
  explicit SeccompCache(std::string dir) : dir_(std::move(dir)) {}
  SeccompCache(const SeccompCache&) = delete;
  SeccompCache& operator=(const SeccompCache&) = delete;

  Result<SeccompProgram> Get(CapabilitySet capabilities) const;

  // The file Get reads and writes for `capabilities` ("" without a directory).
  std::string PathFor(CapabilitySet capabilities) const;

 private:
  std::string Key(CapabilitySet capabilities) const;
  Result<SeccompProgram> Load(CapabilitySet capabilities) const;

  std::string dir_;
  mutable std::mutex mu_;
  mutable std::map<uint64_t, SeccompProgram> programs_;  // by capability bits
};

}  // namespace skiff::runtime
