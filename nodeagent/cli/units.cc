#include "nodeagent/cli/units.h"

#include <signal.h>
#include <string.h>
#include <time.h>

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace skiff::cli {
namespace {

Status Bad(std::string_view flag, std::string_view text, std::string_view rule) {
  return Status::Invalid(std::string(flag) + ": \"" + std::string(text) + "\" " + std::string(rule),
                         {{std::string(flag), "FieldValueInvalid", std::string(rule)}});
}

struct SignalName {
  const char* name;
  int number;
};
constexpr SignalName kSignals[] = {
    {"HUP", SIGHUP},   {"INT", SIGINT},   {"QUIT", SIGQUIT}, {"ILL", SIGILL},
    {"TRAP", SIGTRAP}, {"ABRT", SIGABRT}, {"BUS", SIGBUS},   {"FPE", SIGFPE},
    {"KILL", SIGKILL}, {"USR1", SIGUSR1}, {"SEGV", SIGSEGV}, {"USR2", SIGUSR2},
    {"PIPE", SIGPIPE}, {"ALRM", SIGALRM}, {"TERM", SIGTERM}, {"CHLD", SIGCHLD},
    {"CONT", SIGCONT}, {"STOP", SIGSTOP}, {"TSTP", SIGTSTP}, {"TTIN", SIGTTIN},
    {"TTOU", SIGTTOU}, {"URG", SIGURG},   {"XCPU", SIGXCPU}, {"XFSZ", SIGXFSZ},
    {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF}, {"WINCH", SIGWINCH}, {"IO", SIGIO},
    {"PWR", SIGPWR},   {"SYS", SIGSYS},
};

}  // namespace

Result<int64_t> ParseMemoryBytes(std::string_view text) {
  constexpr std::string_view kRule = "is not a size (examples: 64m, 1g, 512k)";
  std::string s(text);
  if (s.empty() || !std::isdigit(static_cast<unsigned char>(s[0]))) return Bad("--memory", text, kRule);
  char* end = nullptr;
  double number = std::strtod(s.c_str(), &end);
  std::string unit = end;
  for (char& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!unit.empty() && unit.back() == 'b' && unit.size() == 2) unit.pop_back();  // "mb" = "m"
  double multiplier;
  if (unit.empty() || unit == "b") {
    multiplier = 1;
  } else if (unit == "k") {
    multiplier = 1024.0;
  } else if (unit == "m") {
    multiplier = 1024.0 * 1024;
  } else if (unit == "g") {
    multiplier = 1024.0 * 1024 * 1024;
  } else if (unit == "t") {
    multiplier = 1024.0 * 1024 * 1024 * 1024;
  } else {
    return Bad("--memory", text, kRule);
  }
  double bytes = number * multiplier;
  constexpr double kMinimum = 6 * 1024 * 1024;  // Docker's floor: below it nothing starts
  if (bytes < kMinimum) return Bad("--memory", text, "is below the minimum of 6m");
  if (bytes > 9.0e18) return Bad("--memory", text, "is too large");
  return static_cast<int64_t>(bytes);
}

Result<int64_t> ParseCpuQuotaUs(std::string_view text) {
  std::string s(text);
  char* end = nullptr;
  double cpus = std::strtod(s.c_str(), &end);
  if (s.empty() || *end != '\0' || !std::isfinite(cpus) || cpus <= 0) {
    return Bad("--cpus", text, "is not a positive number of CPUs (example: 0.5)");
  }
  int64_t quota = static_cast<int64_t>(std::llround(cpus * kCpuPeriodUs));
  constexpr int64_t kMinQuotaUs = 1000;  // the kernel's floor for cpu.cfs_quota_us
  if (quota < kMinQuotaUs) return Bad("--cpus", text, "is below the minimum of 0.01");
  return quota;
}

Result<int> ParseSignal(std::string_view text) {
  std::string s(text);
  if (!s.empty() && std::isdigit(static_cast<unsigned char>(s[0]))) {
    char* end = nullptr;
    long n = std::strtol(s.c_str(), &end, 10);
    if (*end == '\0' && n > 0 && n < NSIG) return static_cast<int>(n);
    return Bad("--signal", text, "is not a signal number");
  }
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (s.rfind("SIG", 0) == 0) s = s.substr(3);
  for (const SignalName& sig : kSignals) {
    if (s == sig.name) return sig.number;
  }
  return Bad("--signal", text, "is not a signal name (examples: TERM, KILL, HUP, 9)");
}

std::string HumanSize(int64_t bytes) {
  const char* units[] = {"B", "kB", "MB", "GB", "TB"};
  double value = static_cast<double>(bytes);
  size_t unit = 0;
  while (value >= 1000 && unit + 1 < sizeof(units) / sizeof(units[0])) {
    value /= 1000;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, unit == 0 ? "%.0f%s" : "%.3g%s", value, units[unit]);
  return buf;
}

std::string HumanDuration(int64_t seconds) {
  auto plural = [](int64_t n, const char* unit) {
    return std::to_string(n) + " " + unit + (n == 1 ? "" : "s");
  };
  if (seconds < 1) return "Less than a second";
  if (seconds < 60) return plural(seconds, "second");
  int64_t minutes = seconds / 60;
  if (minutes == 1) return "About a minute";
  if (minutes < 60) return plural(minutes, "minute");
  int64_t hours = minutes / 60;
  if (hours == 1) return "About an hour";
  if (hours < 48) return plural(hours, "hour");
  return plural(hours / 24, "day");
}

Result<int64_t> ParseRfc3339Seconds(std::string_view text) {
  std::string s(text);
  tm parts{};
  const char* rest = strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &parts);
  if (rest == nullptr) return Status::Invalid("\"" + s + "\" is not an RFC 3339 time", {});
  if (*rest == '.') {
    ++rest;
    while (std::isdigit(static_cast<unsigned char>(*rest))) ++rest;
  }
  if (std::string(rest) != "Z") return Status::Invalid("\"" + s + "\" is not an RFC 3339 UTC time", {});
  return static_cast<int64_t>(timegm(&parts));
}

}  // namespace skiff::cli
