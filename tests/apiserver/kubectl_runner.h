// KubectlRunner: runs the real kubectl against a test server and captures what
// it prints, for integration tests that check kubectl sees what a real cluster
// would show it.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "tests/apiserver/server_process.h"

namespace skiff::testing {

struct KubectlResult {
  int exit_code = -1;
  std::string out;  // stdout and stderr, interleaved as kubectl wrote them
};

class KubectlRunner {
 public:
  KubectlRunner(const std::string& data_dir, const std::string& cache_dir)
      : kubeconfig_(data_dir + "/kubeconfig"), cache_dir_(cache_dir) {}

  static bool Available() { return std::system("kubectl version --client >/dev/null 2>&1") == 0; }

  // args is appended to `kubectl` as a shell fragment; stdin_text is fed to it.
  KubectlResult Run(const std::string& args, const std::string& stdin_text = "") const {
    std::string input_file;
    std::string cmd = "KUBECONFIG=" + kubeconfig_ + " kubectl --cache-dir=" + cache_dir_ + " " + args;
    if (!stdin_text.empty()) {
      input_file = cache_dir_ + "/stdin.yaml";
      FILE* f = std::fopen(input_file.c_str(), "w");
      std::fwrite(stdin_text.data(), 1, stdin_text.size(), f);
      std::fclose(f);
      cmd += " < " + input_file;
    }
    cmd += " 2>&1";
    KubectlResult result;
    FILE* pipe = popen(cmd.c_str(), "r");
    if (!pipe) return result;
    std::array<char, 4096> buf;
    size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) result.out.append(buf.data(), n);
    int status = pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
  }

 private:
  std::string kubeconfig_;
  std::string cache_dir_;
};

}  // namespace skiff::testing
