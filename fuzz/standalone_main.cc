// The driver of a fuzz target when it is not built with libFuzzer (the gcc
// build, CI): it runs LLVMFuzzerTestOneInput on every file of a seed corpus and
// then on seeded random mutations of those files, so every ctest run exercises
// the target on inputs no one wrote by hand.
//
//   <target> CORPUS_DIR_OR_FILE... [--mutations N] [--seed S] [--max-len BYTES]
//
// Mutations: bit flips, interesting bytes, inserted and deleted runs,
// duplicated chunks, truncation, and splices of two seeds. The seed is printed
// first; the same seed replays the same inputs. If an input crashes the target
// (a signal, or FuzzCheck's abort), the input is written to
// ./crash-<target>-<seed>-<n> before the process dies with that signal, ready
// to be replayed by passing the file as the only argument. Exit status 0 when
// every input ran, 2 on a usage error or an empty corpus.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

namespace fs = std::filesystem;

struct Options {
  std::vector<std::string> inputs;
  long mutations = 2000;
  uint64_t seed = 0;
  bool seed_given = false;
  size_t max_len = 64 * 1024;
};

// The input being run, for the crash handler. Written only between runs.
const std::string* g_current = nullptr;
char g_crash_path[512] = "";

void OnCrash(int sig) {
  if (g_current != nullptr) {
    int fd = ::open(g_crash_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      (void)!::write(fd, g_current->data(), g_current->size());
      ::close(fd);
      static const char kNote[] = "standalone fuzz driver: crashing input saved\n";
      (void)!::write(2, kNote, sizeof kNote - 1);
    }
  }
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

bool ParseArgs(int argc, char** argv, Options& options) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    bool has_value = i + 1 < argc;
    if (arg == "--mutations" && has_value) {
      options.mutations = std::strtol(argv[++i], nullptr, 10);
    } else if (arg == "--seed" && has_value) {
      options.seed = std::strtoull(argv[++i], nullptr, 10);
      options.seed_given = true;
    } else if (arg == "--max-len" && has_value) {
      options.max_len = std::strtoull(argv[++i], nullptr, 10);
    } else if (arg.starts_with("--")) {
      return false;
    } else {
      options.inputs.push_back(arg);
    }
  }
  return !options.inputs.empty();
}

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<std::string> LoadCorpus(const std::vector<std::string>& inputs) {
  std::vector<fs::path> files;
  for (const std::string& input : inputs) {
    if (fs::is_directory(input)) {
      for (const fs::directory_entry& entry : fs::directory_iterator(input))
        if (entry.is_regular_file()) files.push_back(entry.path());
    } else {
      files.push_back(input);
    }
  }
  std::sort(files.begin(), files.end());  // the same seed must give the same inputs
  std::vector<std::string> corpus;
  for (const fs::path& file : files) corpus.push_back(ReadAll(file));
  return corpus;
}

class Mutator {
 public:
  Mutator(const std::vector<std::string>& corpus, uint64_t seed, size_t max_len)
      : corpus_(corpus), rng_(seed), max_len_(max_len) {}

  std::string Next() {
    std::string data = Pick();
    int rounds = 1 + static_cast<int>(Below(4));
    for (int i = 0; i < rounds; ++i) MutateOnce(data);
    if (data.size() > max_len_) data.resize(max_len_);
    return data;
  }

 private:
  size_t Below(size_t n) { return n == 0 ? 0 : static_cast<size_t>(rng_() % n); }
  const std::string& Pick() { return corpus_[Below(corpus_.size())]; }

  void MutateOnce(std::string& data) {
    static const char kInteresting[] = {'\0', '\xff', '\x7f', '\x80', '"', '\\', ',', '=', ':',
                                        '-', '{', '[', '\n', ' ', '0', '9', '.', '/', '*', '&'};
    switch (Below(data.empty() ? 1 : 7)) {
      case 0: {  // insert a run of random or interesting bytes
        size_t at = Below(data.size() + 1);
        std::string run(1 + Below(8), '\0');
        for (char& c : run) c = Below(2) ? static_cast<char>(rng_()) : kInteresting[Below(sizeof kInteresting)];
        data.insert(at, run);
        break;
      }
      case 1:  // flip one bit
        data[Below(data.size())] ^= static_cast<char>(1u << Below(8));
        break;
      case 2:  // overwrite a byte with an interesting one
        data[Below(data.size())] = kInteresting[Below(sizeof kInteresting)];
        break;
      case 3: {  // delete a run
        size_t at = Below(data.size());
        data.erase(at, 1 + Below(std::min<size_t>(16, data.size() - at)));
        break;
      }
      case 4:  // truncate
        data.resize(Below(data.size()));
        break;
      case 5: {  // duplicate a chunk somewhere else
        size_t from = Below(data.size());
        std::string chunk = data.substr(from, 1 + Below(32));
        data.insert(Below(data.size() + 1), chunk);
        break;
      }
      default: {  // splice: a prefix of this input and a suffix of another seed
        const std::string& other = Pick();
        size_t cut = Below(data.size() + 1);
        data = data.substr(0, cut) + other.substr(Below(other.size() + 1));
        break;
      }
    }
  }

  const std::vector<std::string>& corpus_;
  std::mt19937_64 rng_;
  size_t max_len_;
};

void Run(const std::string& input) {
  g_current = &input;
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
  g_current = nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (!ParseArgs(argc, argv, options)) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR_OR_FILE... [--mutations N] [--seed S] [--max-len BYTES]\n",
                 argv[0]);
    return 2;
  }
  std::vector<std::string> corpus = LoadCorpus(options.inputs);
  if (corpus.empty()) {
    std::fprintf(stderr, "%s: no seed inputs found\n", argv[0]);
    return 2;
  }
  if (!options.seed_given) options.seed = std::random_device{}();
  std::string target = fs::path(argv[0]).filename().string();
  std::fprintf(stderr, "%s: %zu seeds, %ld mutations, seed %llu\n", target.c_str(), corpus.size(),
               options.mutations, static_cast<unsigned long long>(options.seed));
  for (int sig : {SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL})
    std::signal(sig, OnCrash);

  std::snprintf(g_crash_path, sizeof g_crash_path, "crash-%s-%llu-seed", target.c_str(),
                static_cast<unsigned long long>(options.seed));
  for (const std::string& seed_input : corpus) Run(seed_input);
  Mutator mutator(corpus, options.seed, options.max_len);
  for (long n = 0; n < options.mutations; ++n) {
    std::string input = mutator.Next();
    std::snprintf(g_crash_path, sizeof g_crash_path, "crash-%s-%llu-%ld", target.c_str(),
                  static_cast<unsigned long long>(options.seed), n);
    Run(input);
  }
  std::fprintf(stderr, "%s: %zu seeds and %ld mutations ran cleanly\n", target.c_str(), corpus.size(),
               options.mutations);
  return 0;
}
