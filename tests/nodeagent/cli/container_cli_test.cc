// The real `skiff container` binary against a temp root, as root: image import,
// ls and rm; run with exit codes, OOM kills and a pids limit; the detached life
// of a container (ps, exec, logs, stop, rm); Ctrl-C on an attached run; and the
// one-line errors of bad input. Every case checks that it left nothing behind.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>

#include "cli_test_support.h"

namespace skiff::cli {
namespace {

using testing::CliFixture;
using testing::CountLines;
using testing::Outcome;

TEST_CASE("image import, ls and rm through skiff container", "[privileged][integration]") {
  CliFixture f;
  Outcome ls = f.Skiff({"image", "ls"});
  REQUIRE(ls.code == 0);
  CHECK(ls.out.find("REPOSITORY") == 0);
  CHECK(ls.out.find("docker.io/skiff-test/busybox   1 ") != std::string::npos);

  Outcome quiet = f.Skiff({"image", "ls", "-q"});
  REQUIRE(quiet.code == 0);
  CHECK(CountLines(quiet.out) == 1);

  Outcome removed = f.Skiff({"image", "rm", CliFixture::kImage});
  INFO(removed.err);
  CHECK(removed.code == 0);
  Outcome after = f.Skiff({"image", "ls", "-q"});
  CHECK(after.out.empty());
  // Nothing of the image is left: blobs and layer trees were collected.
  CHECK(std::filesystem::is_empty(f.root() + "/images/layers"));

  Outcome again = f.Skiff({"image", "rm", CliFixture::kImage});
  CHECK(again.code == 1);
  CHECK(again.err == "skiff container image rm: no such image: " + std::string(CliFixture::kImage) + "\n");
}

TEST_CASE("run --rm streams the output and exits with the container's code", "[privileged][integration]") {
  CliFixture f;
  Outcome run = f.Skiff({"run", "--rm", CliFixture::kImage, "--", "sh", "-c", "echo hi; echo oops >&2; exit 3"});
  CHECK(run.code == 3);
  CHECK(run.out == "hi\n");
  CHECK(run.err == "oops\n");
  CHECK(f.Skiff({"ps", "-a", "-q"}).out.empty());  // --rm deleted it

  // The image's Cmd when no command is given; a signal is 128+N.
  Outcome killed = f.Skiff({"run", "--rm", CliFixture::kImage, "sh", "-c", "kill -USR1 $$"});
  CHECK(killed.code == 128 + SIGUSR1);
}

TEST_CASE("run merges the image config with the flags", "[privileged][integration]") {
  CliFixture f;
  std::string volume = f.dir() + "/volume";
  std::filesystem::create_directories(volume);
  std::ofstream(volume + "/note") << "from the host\n";
  Outcome run = f.Skiff({"run", "--rm", "--user", "nobody", "--hostname", "box", "-w", "/tmp", "-e", "GREETING=hej",
                         "-v", volume + ":/data:ro", "--read-only", CliFixture::kImage, "--", "sh", "-c",
                         "id -u; id -g; hostname; pwd; echo $GREETING; echo $PATH; cat /data/note; "
                         "touch /data/x 2>/dev/null || echo ro-volume; touch /x 2>/dev/null || echo ro-root"});
  INFO(run.err);
  CHECK(run.code == 0);
  CHECK(run.out ==
        "65534\n65534\nbox\n/tmp\nhej\n/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n"
        "from the host\nro-volume\nro-root\n");
}

TEST_CASE("a memory limit ends in an OOM kill: exit 137 and OOMKilled", "[privileged][integration]") {
  CliFixture f;
  Outcome run = f.Skiff({"run", "--rm", "--memory", "16m", CliFixture::kImage, "--", "sh", "-c",
                         "x=0123456789abcdef; while true; do x=$x$x; done"});
  CHECK(run.code == 137);
  CHECK(run.err.find("OOMKilled\n") != std::string::npos);
}

TEST_CASE("a fork bomb stops at the pids limit", "[privileged][integration]") {
  CliFixture f;
  Outcome run = f.Skiff({"run", "-d", "--name", "bomb", "--pids", "20", CliFixture::kImage, "--", "sh", "-c",
                         // The bomb runs in a subshell and the shell then becomes sleep
                         // without forking, so the container (and its cgroup) outlive
                         // the refused forks and can be sampled.
                         "(bomb() { bomb | bomb & }; bomb); exec sleep 30"});
  INFO(run.err);
  REQUIRE(run.code == 0);
  std::string current = f.CgroupFile("pids", "bomb", "pids.current");
  std::string events_file = f.CgroupFile("pids", "bomb", "pids.events");
  long most = 0;
  std::string events;
  // Sample for a second at least, and until the kernel has refused a fork (the
  // limit was reached, not merely unused), however slowly a loaded host forks.
  for (int i = 0; i < 800; ++i) {
    std::string text = testing::ReadWhole(current);
    if (!text.empty()) most = std::max(most, std::stol(text));
    events = testing::ReadWhole(events_file);
    if (i >= 40 && events.find("max 0") == std::string::npos) break;
    usleep(25000);
  }
  INFO(events);
  CHECK(most <= 20);
  CHECK(most > 0);
  CHECK(events.find("max 0") == std::string::npos);
  Outcome rm = f.Skiff({"rm", "-f", "bomb"});
  INFO(rm.err);
  CHECK(rm.code == 0);
}

TEST_CASE("a detached container: ps, exec, logs, stop, rm", "[privileged][integration]") {
  CliFixture f;
  Outcome run = f.Skiff({"run", "-d", "--name", "web", "-e", "FOO=bar", CliFixture::kImage, "--", "sh", "-c",
                         "echo started; echo warned >&2; exec sleep 300"});
  INFO(run.err);
  REQUIRE(run.code == 0);
  CHECK(run.out == "web\n");

  Outcome ps = f.Skiff({"ps"});
  CHECK(ps.out.find("web ") != std::string::npos);
  CHECK(ps.out.find(" Up ") != std::string::npos);

  Outcome exec = f.Skiff({"exec", "web", "--", "sh", "-c", "echo $FOO; hostname; echo bad >&2; exit 4"});
  CHECK(exec.code == 4);
  CHECK(exec.out == "bar\nweb\n");
  CHECK(exec.err == "bad\n");
  Outcome exec_env = f.Skiff({"exec", "-e", "FOO=baz", "we", "sh", "-c", "echo $FOO"});  // an id prefix
  CHECK(exec_env.out == "baz\n");

  Outcome logs;
  for (int i = 0; i < 500 && logs.err.empty(); ++i) {
    logs = f.Skiff({"logs", "web"});
    if (logs.err.empty()) usleep(20000);
  }
  CHECK(logs.out == "started\n");
  CHECK(logs.err == "warned\n");

  Outcome busy = f.Skiff({"rm", "web"});
  CHECK(busy.code == 1);
  CHECK(CountLines(busy.err) == 1);

  Outcome stop = f.Skiff({"stop", "-t", "5", "web"});
  CHECK(stop.code == 0);
  CHECK(f.Skiff({"ps"}).out.find("web") == std::string::npos);
  Outcome all = f.Skiff({"ps", "-a"});
  CHECK(all.out.find("Exited (143)") != std::string::npos);

  Outcome followed = f.Skiff({"logs", "-f", "web"});  // returns at once: it has stopped
  CHECK(followed.out == "started\n");

  CHECK(f.Skiff({"rm", "web"}).code == 0);
  CHECK(f.Skiff({"ps", "-a", "-q"}).out.empty());
  Outcome gone = f.Skiff({"rm", "web"});
  CHECK(gone.code == 1);
  CHECK(gone.err == "skiff container rm: no such container: web\n");
}

TEST_CASE("run -d --rm deletes the container when it ends", "[privileged][integration]") {
  CliFixture f;
  Outcome run = f.Skiff({"run", "-d", "--rm", "--name", "brief", CliFixture::kImage, "--", "sleep", "0.2"});
  REQUIRE(run.code == 0);
  std::string listed = "brief\n";
  for (int i = 0; i < 800 && !listed.empty(); ++i) {
    usleep(25000);
    listed = f.Skiff({"ps", "-a", "-q"}).out;
  }
  CHECK(listed.empty());
}

TEST_CASE("SIGINT to an attached run stops the container", "[privileged][integration]") {
  CliFixture f;
  testing::SkiffProcess run = f.Start({"run", "--name", "sleeper", CliFixture::kImage, "--", "sh", "-c",
                                       "echo begin; sleep 30; echo end"});
  for (int i = 0; i < 2000 && run.out().empty(); ++i) usleep(10000);
  REQUIRE(run.out() == "begin\n");
  REQUIRE(kill(run.pid(), SIGINT) == 0);
  Outcome ended = run.Wait(std::chrono::seconds(20));
  CHECK(ended.code == 128 + SIGTERM);
  CHECK(ended.out == "begin\n");
  Outcome all = f.Skiff({"ps", "-a"});
  CHECK(all.out.find("Exited (143)") != std::string::npos);
}

TEST_CASE("image rm refuses an image a container uses", "[privileged][integration]") {
  CliFixture f;
  REQUIRE(f.Skiff({"run", "--name", "user", CliFixture::kImage, "true"}).code == 0);
  Outcome refused = f.Skiff({"image", "rm", CliFixture::kImage});
  CHECK(refused.code == 1);
  CHECK(refused.err.find("used by container user") != std::string::npos);
  CHECK(f.Skiff({"rm", "user"}).code == 0);
  CHECK(f.Skiff({"image", "rm", CliFixture::kImage}).code == 0);
}

TEST_CASE("bad flags, unknown images and containers: one line and a non-zero exit", "[privileged][integration]") {
  CliFixture f;
  struct Case {
    std::vector<std::string> args;
    int code;
    std::string err_has;
  };
  std::vector<Case> cases = {
      {{"run", "--bogus", CliFixture::kImage}, 125, "unknown flag \"--bogus\""},
      {{"run", "--memory", "12x", CliFixture::kImage}, 125, "--memory: \"12x\" is not a size"},
      {{"run", "--cpus", "-1", CliFixture::kImage}, 125, "--cpus"},
      {{"run", "-v", "relative:/data", CliFixture::kImage}, 125, "-v: \"relative:/data\""},
      {{"run", "--user", "nosuch", CliFixture::kImage}, 125, "unable to find user nosuch"},
      {{"run", "127.0.0.1:1/nothing:1"}, 125, "127.0.0.1:1/nothing:1"},
      {{"run", "Bad Reference"}, 125, "Bad Reference"},
      {{"exec", "nosuch", "true"}, 1, "no such container: nosuch"},
      {{"logs", "nosuch"}, 1, "no such container: nosuch"},
      {{"kill", "-s", "NOPE", "x"}, 2, "is not a signal name"},
      {{"stop", "nosuch"}, 1, "no such container: nosuch"},
      {{"image", "rm", "nosuch"}, 1, "no such image: nosuch"},
      {{"image", "import", f.dir() + "/missing"}, 1, "missing"},
      {{"frobnicate"}, 2, "unknown command \"frobnicate\""},
  };
  for (const Case& c : cases) {
    Outcome o = f.Skiff(c.args);
    INFO(c.args[0] << " " << (c.args.size() > 1 ? c.args[1] : "") << " → " << o.err);
    CHECK(o.code == c.code);
    CHECK(o.err.find(c.err_has) != std::string::npos);
    if (c.args[0] != "frobnicate") CHECK(CountLines(o.err) == 1);
  }
  CHECK(f.Skiff({"ps", "-a", "-q"}).out.empty());  // nothing was created
}

}  // namespace
}  // namespace skiff::cli
