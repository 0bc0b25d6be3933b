// storage_crash_writer: the victim process of the storage crash test
// (crash_test.cc). It opens an SQLite store and runs writer threads that create,
// update and delete their own keys as fast as they can, reporting every write on
// stdout until it is killed (the test sends SIGKILL) or --max-ms passes.
//
// Usage: storage_crash_writer --db PATH --threads N --keys K --seq-base B --seed S
//                             [--max-ms M] [--history-revisions H --compaction-ms C]
//                             [--checkpoint-pages P]
// (H, C and P are passed to SqliteOptions, so that compaction and WAL checkpoints
// run often enough to be interrupted by the kill.)
//
// Thread t owns the keys crash::KeyFor(t, 0..K-1) and writes them one at a time,
// so at most one of its writes is in flight at any moment. Values come from
// crash::MakeValue(key, seq) with seq = B, B+1, ... per thread. Each line is one
// write(2) on stdout (atomic on a pipe, and not lost when the process dies):
//   R <current_revision>                      store open, keys read; writing starts
//   I <thread> <op> <key> <seq>               a write is about to be issued (op C/U/D)
//   A <thread> <op> <key> <seq> <revision>    that write was acknowledged
//   D                                         --max-ms passed; clean exit
//   E <message>                               unexpected error; exit status 3
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "apiserver/storage/factory.h"
#include "tests/apiserver/storage/crash_value.h"

namespace skiff::storage::crash {
namespace {

struct Flags {
  std::string db;
  int threads = 16;
  int keys = 8;
  uint64_t seq_base = 1;
  uint64_t seed = 1;
  int max_ms = 20000;
  int64_t history_revisions = 0;  // 0: SqliteOptions' default
  int compaction_ms = 0;          // 0: SqliteOptions' default
  int64_t checkpoint_pages = 0;   // 0: SqliteOptions' default
};

void Emit(const std::string& line) {
  std::string s = line + "\n";
  const char* p = s.data();
  size_t left = s.size();
  while (left > 0) {
    ssize_t n = ::write(STDOUT_FILENO, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      _exit(4);  // the test closed the pipe: nobody is listening
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
}

[[noreturn]] void Fail(const std::string& message) {
  Emit("E " + message);
  _exit(3);
}

bool ParseFlags(int argc, char** argv, Flags* f) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i];
    const char* v = argv[i + 1];
    if (name == "--db") {
      f->db = v;
    } else if (name == "--threads") {
      f->threads = std::atoi(v);
    } else if (name == "--keys") {
      f->keys = std::atoi(v);
    } else if (name == "--seq-base") {
      f->seq_base = std::strtoull(v, nullptr, 10);
    } else if (name == "--seed") {
      f->seed = std::strtoull(v, nullptr, 10);
    } else if (name == "--max-ms") {
      f->max_ms = std::atoi(v);
    } else if (name == "--history-revisions") {
      f->history_revisions = std::atoll(v);
    } else if (name == "--compaction-ms") {
      f->compaction_ms = std::atoi(v);
    } else if (name == "--checkpoint-pages") {
      f->checkpoint_pages = std::atoll(v);
    } else {
      return false;
    }
  }
  return argc % 2 == 1 && !f->db.empty() && f->threads > 0 && f->keys > 0;
}

// One thread's keys as it last saw them: present or not, and the mod_revision
// an update or delete must name.
struct KeyState {
  std::string key;
  bool present = false;
  int64_t mod_revision = 0;
};

void RunThread(Storage& store, const Flags& flags, int thread, std::vector<KeyState> keys,
               const std::atomic<bool>& stop) {
  std::mt19937_64 rng(flags.seed * 1000003 + static_cast<uint64_t>(thread));
  uint64_t seq = flags.seq_base;
  const std::string t = std::to_string(thread);
  while (!stop.load(std::memory_order_relaxed)) {
    KeyState& k = keys[rng() % keys.size()];
    char op = 'C';
    if (k.present) op = rng() % 4 == 0 ? 'D' : 'U';
    const std::string s = std::to_string(seq);
    Emit("I " + t + " " + op + " " + k.key + " " + s);
    Result<KeyValue> r = op == 'C'   ? store.Create(k.key, MakeValue(k.key, seq))
                         : op == 'U' ? store.Update(k.key, MakeValue(k.key, seq), k.mod_revision)
                                     : store.Delete(k.key, k.mod_revision);
    if (!r.ok()) {
      Fail(std::string(1, op) + " " + k.key + " seq " + s + ": " + r.status().ToString());
    }
    k.present = op != 'D';
    k.mod_revision = r->mod_revision;
    Emit("A " + t + " " + op + " " + k.key + " " + s + " " + std::to_string(r->mod_revision));
    ++seq;
  }
}

int Main(int argc, char** argv) {
  // Die with the test: a crashed or killed test must not leave writers behind.
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() == 1) return 5;
  Flags flags;
  if (!ParseFlags(argc, argv, &flags)) {
    Fail(
        "usage: storage_crash_writer --db PATH --threads N --keys K --seq-base B --seed S "
        "[--max-ms M] [--history-revisions H --compaction-ms C] [--checkpoint-pages P]");
  }
  SqliteOptions options;
  options.path = flags.db;
  if (flags.history_revisions > 0) options.history_revisions = flags.history_revisions;
  if (flags.compaction_ms > 0)
    options.compaction_interval = std::chrono::milliseconds(flags.compaction_ms);
  if (flags.checkpoint_pages > 0) options.wal_checkpoint_pages = flags.checkpoint_pages;
  Result<std::unique_ptr<Storage>> opened = NewSqliteStorage(options);
  if (!opened.ok()) Fail("open " + flags.db + ": " + opened.status().ToString());
  Storage& store = **opened;

  std::vector<std::vector<KeyState>> per_thread(static_cast<size_t>(flags.threads));
  for (int t = 0; t < flags.threads; ++t) {
    for (int i = 0; i < flags.keys; ++i) {
      KeyState k{KeyFor(t, i)};
      Result<KeyValue> got = store.Get(k.key);
      if (got.ok()) {
        k.present = true;
        k.mod_revision = got->mod_revision;
      } else if (got.status().code() != Code::kNotFound) {
        Fail("get " + k.key + ": " + got.status().ToString());
      }
      per_thread[static_cast<size_t>(t)].push_back(std::move(k));
    }
  }
  Emit("R " + std::to_string(store.CurrentRevision()));

  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < flags.threads; ++t) {
    threads.emplace_back(RunThread, std::ref(store), std::cref(flags), t,
                         std::move(per_thread[static_cast<size_t>(t)]), std::cref(stop));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(flags.max_ms));
  stop = true;
  for (std::thread& th : threads) th.join();
  Emit("D");
  return 0;
}

}  // namespace
}  // namespace skiff::storage::crash

int main(int argc, char** argv) { return skiff::storage::crash::Main(argc, argv); }
