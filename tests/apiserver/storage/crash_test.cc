// Crash test of the SQLite store: an acknowledged write survives kill -9.
//
// The test starts storage_crash_writer (crash_writer.cc) on a database, reads the
// writes it reports, kills it with SIGKILL after a random (seeded) delay, reopens
// the database here and checks, for every key:
//
//   Each writer thread owns its keys and writes them one at a time, so at the
//   kill at most ONE write per thread is in flight (announced by an "I" line,
//   not yet acknowledged by an "A" line). A key's stored state must be either
//   (a) the state left by the last acknowledged write to it (that exact value
//       and, when present, that exact mod_revision), or
//   (b) the state the owner thread's in-flight write would leave, if that write
//       is on this key (value of that sequence, or absent for a delete).
//   Anything else is a lost acknowledged write (or a phantom one).
//
// Also: every stored value passes its checksum and is the one generated for its
// key and sequence (no torn or mixed value); List agrees with Get; each thread's
// acknowledged revisions increase, no two acknowledgements share a revision,
// every acknowledged write is in the replayed history (Watch) at its revision
// with its value, the revision counter never goes back across a reopen, and the
// store accepts new writes after the reopen. Then the writer is started again on
// the same database (several kills per database, several fresh databases, with
// store defaults, aggressive compaction and frequent WAL checkpoints in turn).
//
// Set SKIFF_CRASH_SEED to replay a run; the seed is printed on failure.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "apiserver/storage/factory.h"
#include "tests/apiserver/storage/crash_value.h"

extern char** environ;

namespace skiff::storage::crash {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr int kTotalKills = 24;
constexpr int kKillsPerDatabase = 8;
constexpr int kKeysPerThread = 8;
constexpr uint64_t kSeqStride = 1'000'000'000;  // sequence numbers of run r start at r*stride
constexpr int kEarlyKillOneIn = 6;              // this share of kills may land during open
const std::string kSentinelPrefix = "/registry/crash-sentinel/";
// Databases take turns: store defaults; aggressive compaction (so kills land in
// compacting transactions); a WAL checkpoint every few pages (so kills land in
// checkpoints and in writes that follow a WAL reset).
enum class Mode { kDefaults, kCompacting, kCheckpointing };
constexpr Mode kModes[] = {Mode::kDefaults, Mode::kCompacting, Mode::kCheckpointing};
constexpr const char* kCompactHistory = "300";
constexpr const char* kCompactMs = "20";
constexpr const char* kCheckpointPages = "16";

const char* ModeName(Mode m) {
  switch (m) {
    case Mode::kDefaults:
      return "defaults";
    case Mode::kCompacting:
      return "compacting";
    case Mode::kCheckpointing:
      return "checkpointing";
  }
  return "?";
}

std::string WriterPath() {
  if (const char* dir = std::getenv("SKIFF_BIN_DIR"); dir != nullptr && *dir != '\0') {
    return (fs::path(dir) / "storage_crash_writer").string();
  }
  return (fs::read_symlink("/proc/self/exe").parent_path() / "storage_crash_writer").string();
}

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "skiff-crash-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

struct Intent {
  char op = 0;
  std::string key;
  uint64_t seq = 0;
};

// The state of one key: present with the value of seq written at revision, or absent.
struct KeyModel {
  bool present = false;
  uint64_t seq = 0;
  int64_t revision = 0;
};

struct Ack {
  char op = 0;
  std::string key;
  uint64_t seq = 0;
  int64_t revision = 0;
};

// What one writer run reported before it died.
struct RunLog {
  explicit RunLog(int threads)
      : pending(static_cast<size_t>(threads)), last_revision(static_cast<size_t>(threads), 0) {}
  bool ready = false;
  int64_t ready_revision = 0;
  bool clean_exit = false;
  std::vector<std::optional<Intent>> pending;  // per thread: the write in flight
  std::vector<int64_t> last_revision;          // per thread: last acknowledged revision
  std::map<std::string, KeyModel> last_ack;    // per key: state after its last ack
  std::vector<Ack> acks;
  std::set<int64_t> revisions;
  std::vector<std::string> errors;
};

void ApplyLine(const std::string& line, RunLog& log) {
  std::istringstream in(line);
  std::string kind;
  in >> kind;
  if (kind == "R") {
    log.ready = true;
    in >> log.ready_revision;
    return;
  }
  if (kind == "D") {
    log.clean_exit = true;
    return;
  }
  if (kind != "I" && kind != "A") {
    log.errors.push_back("writer: " + line);
    return;
  }
  size_t thread = 0;
  Ack a;
  in >> thread >> a.op >> a.key >> a.seq;
  if (in.fail() || thread >= log.pending.size()) {
    log.errors.push_back("unparsable line: " + line);
    return;
  }
  if (kind == "I") {
    if (log.pending[thread]) log.errors.push_back("two writes in flight: " + line);
    log.pending[thread] = Intent{a.op, a.key, a.seq};
    return;
  }
  in >> a.revision;
  const std::optional<Intent>& p = log.pending[thread];
  if (in.fail() || !p || p->key != a.key || p->seq != a.seq || p->op != a.op) {
    log.errors.push_back("ack without its intent: " + line);
  }
  if (a.revision <= log.last_revision[thread]) {
    log.errors.push_back("revision of thread " + std::to_string(thread) + " went back: " + line);
  }
  if (!log.revisions.insert(a.revision).second) {
    log.errors.push_back("two acks with one revision: " + line);
  }
  log.last_revision[thread] = a.revision;
  log.pending[thread].reset();
  log.last_ack[a.key] = KeyModel{a.op != 'D', a.seq, a.revision};
  log.acks.push_back(std::move(a));
}

// Starts the writer, kills it at a random moment and returns what it reported.
// kill_after_spawn forces an early kill at that time after the spawn.
RunLog RunAndKill(const std::string& db, int threads, uint64_t seq_base, Mode mode,
                  std::mt19937_64& rng,
                  std::optional<milliseconds> kill_after_spawn = std::nullopt) {
  RunLog log(threads);
  int fds[2];
  REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  const std::string path = WriterPath();
  std::vector<std::string> args = {path,
                                   "--db",
                                   db,
                                   "--threads",
                                   std::to_string(threads),
                                   "--keys",
                                   std::to_string(kKeysPerThread),
                                   "--seq-base",
                                   std::to_string(seq_base),
                                   "--seed",
                                   std::to_string(rng())};
  if (mode == Mode::kCompacting) {
    for (const char* a : {"--history-revisions", kCompactHistory, "--compaction-ms", kCompactMs}) {
      args.push_back(a);
    }
  } else if (mode == Mode::kCheckpointing) {
    args.push_back("--checkpoint-pages");
    args.push_back(kCheckpointPages);
  }
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int spawn_err = posix_spawn(&pid, path.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  INFO("spawn " << path << ": " << std::strerror(spawn_err));
  REQUIRE(spawn_err == 0);

  const bool early = kill_after_spawn || rng() % kEarlyKillOneIn == 0;
  const auto start = Clock::now();
  std::optional<Clock::time_point> kill_at;
  if (early) kill_at = start + kill_after_spawn.value_or(milliseconds(rng() % 10));
  const milliseconds after_ready(30 + rng() % 370);
  const auto give_up = start + std::chrono::seconds(30);
  std::string buf;
  bool killed = false;
  bool eof = false;
  while (!eof) {
    const auto now = Clock::now();
    if (!killed && kill_at && now >= *kill_at) {
      ::kill(pid, SIGKILL);
      killed = true;
    }
    if (!killed && now >= give_up) {
      ::kill(pid, SIGKILL);
      killed = true;
      log.errors.push_back("writer never became ready within 30 s");
    }
    pollfd pfd{fds[0], POLLIN, 0};
    int wait_ms = 50;
    if (!killed && kill_at) {
      wait_ms =
          static_cast<int>(std::chrono::duration_cast<milliseconds>(*kill_at - now).count() + 1);
    }
    if (::poll(&pfd, 1, killed ? 1000 : std::max(wait_ms, 0)) <= 0) continue;
    char chunk[65536];
    const ssize_t n = ::read(fds[0], chunk, sizeof(chunk));
    if (n == 0) {
      eof = true;
    } else if (n > 0) {
      buf.append(chunk, static_cast<size_t>(n));
      size_t nl;
      while ((nl = buf.find('\n')) != std::string::npos) {
        const bool was_ready = log.ready;
        ApplyLine(buf.substr(0, nl), log);
        buf.erase(0, nl + 1);
        if (!was_ready && log.ready && !kill_at) kill_at = Clock::now() + after_ready;
      }
    }
  }
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!buf.empty()) log.errors.push_back("partial line: " + buf);
  if (!log.clean_exit && !(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)) {
    log.errors.push_back("writer exited on its own, status " + std::to_string(status));
  }
  return log;
}

struct Totals {
  int kills = 0;
  int early_kills = 0;  // killed before the writer reported ready
  size_t acks = 0;
  size_t acks_in_history = 0;
  size_t acks_compacted = 0;  // history compacted away (or none to replay from): state only
  size_t keys_checked = 0;
  size_t in_flight_applied = 0;
  size_t in_flight_not_applied = 0;
};

// Checks that every acknowledged write of `log` is in the history replayed from
// after_revision, at its revision and with its value.
void CheckHistory(Storage& store, const RunLog& log, int64_t after_revision, Totals& totals) {
  after_revision = std::max(after_revision, store.CompactedRevision());
  // Watch(prefix, 0) means "from now", so a run on a brand-new database has no replay.
  if (log.acks.empty() || after_revision == 0 || after_revision >= *log.revisions.rbegin()) {
    totals.acks_compacted += log.acks.size();
    return;
  }
  Result<std::unique_ptr<Watcher>> w = store.Watch(std::string(kKeyPrefix), after_revision);
  INFO("watch after " << after_revision << ": " << w.status().ToString());
  REQUIRE(w.ok());
  const int64_t last = *log.revisions.rbegin();
  std::map<int64_t, Event> events;
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  while ((events.empty() || events.rbegin()->first < last) && Clock::now() < deadline) {
    for (Event& e : (*w)->Next(milliseconds(200))) events.emplace(e.kv.mod_revision, std::move(e));
  }
  (*w)->Stop();
  for (const Ack& a : log.acks) {
    if (a.revision <= after_revision) {
      ++totals.acks_compacted;
      continue;
    }
    INFO("acked " << a.op << " " << a.key << " seq " << a.seq << " at revision " << a.revision);
    auto it = events.find(a.revision);
    REQUIRE(it != events.end());
    const Event& e = it->second;
    CHECK(e.kv.key == a.key);
    const EventType want = a.op == 'C'   ? EventType::kCreated
                           : a.op == 'U' ? EventType::kUpdated
                                         : EventType::kDeleted;
    CHECK(e.type == want);
    if (a.op != 'D') CHECK(e.kv.value == MakeValue(a.key, a.seq));
    ++totals.acks_in_history;
  }
}

// Reopens db after a kill and checks it against model + log (see the file
// comment); leaves the verified state in model. Returns the revision after a
// fresh write made here.
int64_t VerifyAfterKill(const std::string& db, int threads, const RunLog& log,
                        int64_t revision_before, std::map<std::string, KeyModel>& model,
                        int kill_index, Totals& totals) {
  for (const std::string& e : log.errors) FAIL_CHECK(e);
  if (log.ready) CHECK(log.ready_revision >= revision_before);
  if (!log.revisions.empty()) CHECK(*log.revisions.begin() > revision_before);

  SqliteOptions options;
  options.path = db;
  Result<std::unique_ptr<Storage>> opened = NewSqliteStorage(options);
  INFO("reopen after kill " << kill_index << ": " << opened.status().ToString());
  REQUIRE(opened.ok());
  Storage& store = **opened;
  const int64_t current = store.CurrentRevision();
  CHECK(current >= revision_before);
  if (!log.revisions.empty()) CHECK(current >= *log.revisions.rbegin());

  Result<ListResult> listed = store.List(std::string(kKeyPrefix));
  REQUIRE(listed.ok());
  std::map<std::string, KeyValue> stored;
  for (KeyValue& kv : listed->items) stored.emplace(kv.key, std::move(kv));

  for (int t = 0; t < threads; ++t) {
    const std::optional<Intent>& in_flight = log.pending[static_cast<size_t>(t)];
    for (int i = 0; i < kKeysPerThread; ++i) {
      const std::string key = KeyFor(t, i);
      auto acked = log.last_ack.find(key);
      const KeyModel want = acked != log.last_ack.end() ? acked->second : model[key];
      const bool mine_in_flight = in_flight && in_flight->key == key;
      Result<KeyValue> got = store.Get(key);
      INFO("kill " << kill_index << " key " << key << ": want "
                   << (want.present ? "seq " + std::to_string(want.seq) : "absent") << " (rev "
                   << want.revision << ")"
                   << (mine_in_flight ? std::string(", or in-flight ") + in_flight->op + " seq " +
                                            std::to_string(in_flight->seq)
                                      : std::string()));
      ++totals.keys_checked;
      KeyModel actual;
      if (got.ok()) {
        std::string why;
        std::optional<ParsedValue> parsed = ParseValue(got->value, &why);
        INFO("stored value: " << why);
        REQUIRE(parsed);
        REQUIRE(parsed->key == key);
        actual = KeyModel{true, parsed->seq, got->mod_revision};
        auto s = stored.find(key);
        REQUIRE(s != stored.end());
        CHECK(s->second == *got);
        stored.erase(s);
      } else {
        REQUIRE(got.status().code() == Code::kNotFound);
        CHECK(stored.count(key) == 0);
      }
      const bool is_acked_state =
          actual.present == want.present &&
          (!want.present || (actual.seq == want.seq && actual.revision == want.revision));
      const bool is_in_flight_state =
          mine_in_flight && actual.present == (in_flight->op != 'D') &&
          (!actual.present || (actual.seq == in_flight->seq &&
                               actual.revision > log.last_revision[static_cast<size_t>(t)] &&
                               actual.revision > revision_before));
      if (mine_in_flight) {
        ++(is_in_flight_state && !is_acked_state ? totals.in_flight_applied
                                                 : totals.in_flight_not_applied);
      }
      INFO("stored: " << (actual.present ? "seq " + std::to_string(actual.seq) : "absent")
                      << " (rev " << actual.revision << ")");
      REQUIRE((is_acked_state || is_in_flight_state));
      model[key] = actual;
    }
  }
  for (const auto& [key, kv] : stored) FAIL_CHECK("unexpected key in store: " << key);

  CheckHistory(store, log, revision_before, totals);

  // The store takes new writes after the reopen, at a later revision.
  const std::string sentinel = kSentinelPrefix + std::to_string(kill_index);
  Result<KeyValue> wrote = store.Create(sentinel, MakeValue(sentinel, 0));
  INFO("write after reopen: " << wrote.status().ToString());
  REQUIRE(wrote.ok());
  CHECK(wrote->mod_revision > current);
  Result<KeyValue> read_back = store.Get(sentinel);
  REQUIRE(read_back.ok());
  CHECK(read_back->value == MakeValue(sentinel, 0));
  return wrote->mod_revision;
}

// Creates the database with one write outside the writer's keys, so that every
// later write has a revision a Watch can replay from. Returns that revision.
int64_t CreateDatabase(const std::string& db, int kill_index) {
  SqliteOptions options;
  options.path = db;
  Result<std::unique_ptr<Storage>> opened = NewSqliteStorage(options);
  INFO("create " << db << ": " << opened.status().ToString());
  REQUIRE(opened.ok());
  const std::string key = kSentinelPrefix + "init-" + std::to_string(kill_index);
  Result<KeyValue> wrote = (*opened)->Create(key, MakeValue(key, 0));
  INFO("first write: " << wrote.status().ToString());
  REQUIRE(wrote.ok());
  return wrote->mod_revision;
}

TEST_CASE("acknowledged writes survive kill -9 of the writer",
          "[storage][crash][integration][slow]") {
  uint64_t seed = std::random_device{}();
  if (const char* s = std::getenv("SKIFF_CRASH_SEED")) seed = std::strtoull(s, nullptr, 10);
  INFO("seed " << seed << " (replay with SKIFF_CRASH_SEED=" << seed << ")");
  std::mt19937_64 rng(seed);
  REQUIRE(fs::exists(WriterPath()));

  Totals totals;
  std::unique_ptr<TempDir> dir;
  std::map<std::string, KeyModel> model;
  int threads = 0;
  int64_t revision = 0;
  Mode mode = Mode::kDefaults;
  for (int kill = 0; kill < kTotalKills; ++kill) {
    if (kill % kKillsPerDatabase == 0) {  // a fresh database
      dir.reset();
      dir = std::make_unique<TempDir>();
      model.clear();
      threads = 16 + static_cast<int>(rng() % 17);  // 16..32 writer threads
      mode = kModes[static_cast<size_t>(kill / kKillsPerDatabase) % std::size(kModes)];
      revision = CreateDatabase((dir->path() / "skiff.db").string(), kill);
    }
    const std::string db = (dir->path() / "skiff.db").string();
    const uint64_t seq_base = static_cast<uint64_t>(kill + 1) * kSeqStride;
    RunLog log = RunAndKill(db, threads, seq_base, mode, rng);
    ++totals.kills;
    if (!log.ready) ++totals.early_kills;
    totals.acks += log.acks.size();
    if (std::getenv("SKIFF_CRASH_VERBOSE") != nullptr) {
      std::cout << "kill " << kill << ": threads " << threads << ", ready " << log.ready
                << ", acks " << log.acks.size() << ", revisions "
                << (log.revisions.empty() ? 0 : *log.revisions.begin()) << ".."
                << (log.revisions.empty() ? 0 : *log.revisions.rbegin()) << ", errors "
                << log.errors.size() << ", " << ModeName(mode) << "\n";
    }
    revision = VerifyAfterKill(db, threads, log, revision, model, kill, totals);
  }
  std::cout << "crash test (seed " << seed << "): " << totals.kills << " kills ("
            << totals.early_kills << " before ready), " << totals.acks << " acknowledged writes, "
            << totals.acks_in_history << " found in history at their revision ("
            << totals.acks_compacted << " compacted away), " << totals.keys_checked
            << " key states checked, in-flight writes applied/not: " << totals.in_flight_applied
            << "/" << totals.in_flight_not_applied << ", lost acknowledged writes: 0\n";
  CHECK(totals.acks > 0);
}

TEST_CASE("a store killed while creating its database opens cleanly",
          "[storage][crash][integration]") {
  uint64_t seed = std::random_device{}();
  if (const char* s = std::getenv("SKIFF_CRASH_SEED")) seed = std::strtoull(s, nullptr, 10);
  INFO("seed " << seed << " (replay with SKIFF_CRASH_SEED=" << seed << ")");
  std::mt19937_64 rng(seed);
  REQUIRE(fs::exists(WriterPath()));
  constexpr int kKills = 10;
  constexpr int kThreads = 4;
  Totals totals;
  for (int kill = 0; kill < kKills; ++kill) {
    TempDir dir;
    const std::string db = (dir.path() / "skiff.db").string();
    // Spread over the writer's start: exec, open, schema creation, first writes.
    RunLog log =
        RunAndKill(db, kThreads, kSeqStride, Mode::kDefaults, rng, milliseconds(rng() % 60));
    if (!log.ready) ++totals.early_kills;
    std::map<std::string, KeyModel> model;
    VerifyAfterKill(db, kThreads, log, 0, model, kill, totals);
  }
  std::cout << "crash while creating (seed " << seed << "): " << kKills << " kills, "
            << totals.early_kills << " before the store was ready\n";
}

}  // namespace
}  // namespace skiff::storage::crash
