// FaultyVfs: an SQLite VFS for fault tests. It wraps the default VFS and can
// fail the Nth xWrite or xSync (counted together, across every file opened
// through it) with SQLITE_IOERR_WRITE / SQLITE_IOERR_FSYNC, once or from then
// on ("sticky", a dead disk). Everything else is passed through unchanged.
//
// Use: RegisterFaultyVfs() once (idempotent), then open a store with
// SqliteOptions::vfs = kFaultyVfsName, and ArmFaultyVfs(n, sticky).
//
// Thread-safety: the counters are atomic; arming while a store runs on the
// VFS is allowed (tests arm before opening). The fault state is process-wide,
// so tests using it must not run concurrently with each other.
#pragma once

#include <cstdint>

namespace skiff::storage {

inline constexpr const char* kFaultyVfsName = "skiff-faulty";

// Registers the VFS (not as the default). Returns false if SQLite refused.
bool RegisterFaultyVfs();

// Counts xWrite+xSync calls from zero and fails call number n (1-based);
// n = 0 disarms. With sticky, call n and every later one fail. With
// real_sync = false, a sync that is not failed returns OK without reaching the
// disk (fast fault loops; the data is still in the page cache for a reopen,
// but not safe against power loss).
void ArmFaultyVfs(int64_t n, bool sticky = false, bool real_sync = true);
// xWrite+xSync calls since the last ArmFaultyVfs.
int64_t FaultyVfsOps();
// Whether a fault has been injected since the last ArmFaultyVfs.
bool FaultyVfsFired();

}  // namespace skiff::storage
