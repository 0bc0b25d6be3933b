// The device rules of a cgroup v2 cgroup as eBPF: see cgroup_device_filter.h.
#include "nodeagent/runtime/cgroup_device_filter.h"

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace skiff::runtime {
namespace {

// Registers of the program: the context pointer arrives in r1.
constexpr uint8_t kR0 = 0, kCtx = 1, kType = 2, kAccess = 3, kMajor = 4, kMinor = 5;
constexpr int32_t kAllAccess = BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE;
constexpr int kMaxAttached = 64;

bpf_insn Insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
  bpf_insn insn{};
  insn.code = code;
  insn.dst_reg = dst;
  insn.src_reg = src;
  insn.off = off;
  insn.imm = imm;
  return insn;
}
bpf_insn LoadWord(uint8_t dst, int16_t off) {
  return Insn(BPF_LDX | BPF_MEM | BPF_W, dst, kCtx, off, 0);
}
bpf_insn Alu32Imm(uint8_t op, uint8_t dst, int32_t imm) {
  return Insn(BPF_ALU | op | BPF_K, dst, 0, 0, imm);
}
bpf_insn MovReg(uint8_t dst, uint8_t src) {
  return Insn(BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0);
}
bpf_insn MovImm(uint8_t dst, int32_t imm) {
  return Insn(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm);
}
// Jumps to the end of the current rule when dst != imm (offset patched later).
bpf_insn SkipRuleUnless(uint8_t dst, int32_t imm) {
  return Insn(BPF_JMP | BPF_JNE | BPF_K, dst, 0, 0, imm);
}
bpf_insn Exit() { return Insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0); }

int32_t AccessBits(const std::string& access) {
  int32_t bits = 0;
  for (char c : access) {
    bits |= c == 'r'   ? BPF_DEVCG_ACC_READ
            : c == 'w' ? BPF_DEVCG_ACC_WRITE
            : c == 'm' ? BPF_DEVCG_ACC_MKNOD
                       : 0;
  }
  return bits;
}

// One rule: a run of checks that jump past it on mismatch, then "return 1".
std::vector<bpf_insn> RuleBlock(const DeviceRule& rule) {
  std::vector<bpf_insn> block;
  if (rule.type != 'a') {
    block.push_back(
        SkipRuleUnless(kType, rule.type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR));
  }
  int32_t allowed = AccessBits(rule.access);
  if (allowed != kAllAccess) {
    // Requested access outside the rule's: r0 = access & ~allowed must be 0.
    block.push_back(MovReg(kR0, kAccess));
    block.push_back(Alu32Imm(BPF_AND, kR0, kAllAccess & ~allowed));
    block.push_back(SkipRuleUnless(kR0, 0));
  }
  if (rule.major >= 0) block.push_back(SkipRuleUnless(kMajor, static_cast<int32_t>(rule.major)));
  if (rule.minor >= 0) block.push_back(SkipRuleUnless(kMinor, static_cast<int32_t>(rule.minor)));
  block.push_back(MovImm(kR0, 1));
  block.push_back(Exit());
  for (size_t i = 0; i < block.size(); ++i) {
    if (block[i].code == (BPF_JMP | BPF_JNE | BPF_K)) {
      block[i].off = static_cast<int16_t>(block.size() - i - 1);
    }
  }
  return block;
}

long Bpf(int cmd, bpf_attr& attr) { return ::syscall(SYS_bpf, cmd, &attr, sizeof attr); }

Status BpfError(const char* what, const std::string& dir) {
  return Status::FromErrno(errno, std::string("bpf ") + what + " for " + dir);
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// The ids of the device programs attached to the cgroup now.
Result<std::vector<uint32_t>> AttachedPrograms(int cgroup_fd, const std::string& dir) {
  std::vector<uint32_t> ids(kMaxAttached);
  bpf_attr attr{};
  attr.query.target_fd = cgroup_fd;
  attr.query.attach_type = BPF_CGROUP_DEVICE;
  attr.query.prog_ids = reinterpret_cast<uint64_t>(ids.data());
  attr.query.prog_cnt = kMaxAttached;
  if (Bpf(BPF_PROG_QUERY, attr) != 0) return BpfError("BPF_PROG_QUERY", dir);
  ids.resize(attr.query.prog_cnt);
  return ids;
}

}  // namespace

std::vector<bpf_insn> DeviceFilterProgram(const std::vector<DeviceRule>& rules) {
  std::vector<bpf_insn> program = {
      LoadWord(kType, offsetof(bpf_cgroup_dev_ctx, access_type)),
      Alu32Imm(BPF_AND, kType, 0xffff),
      LoadWord(kAccess, offsetof(bpf_cgroup_dev_ctx, access_type)),
      Alu32Imm(BPF_RSH, kAccess, 16),
      LoadWord(kMajor, offsetof(bpf_cgroup_dev_ctx, major)),
      LoadWord(kMinor, offsetof(bpf_cgroup_dev_ctx, minor)),
  };
  for (const DeviceRule& rule : rules) {
    std::vector<bpf_insn> block = RuleBlock(rule);
    program.insert(program.end(), block.begin(), block.end());
    // A rule without checks allows everything; the verifier refuses the
    // unreachable code that would follow it.
    if (block.size() == 2) return program;
  }
  program.push_back(MovImm(kR0, 0));  // nothing allowed it
  program.push_back(Exit());
  return program;
}

Status AttachDeviceFilter(const std::string& cgroup_dir, const std::vector<DeviceRule>& rules) {
  std::vector<bpf_insn> program = DeviceFilterProgram(rules);
  static const char kLicense[] = "Apache-2.0";
  bpf_attr load{};
  load.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  load.insns = reinterpret_cast<uint64_t>(program.data());
  load.insn_cnt = static_cast<uint32_t>(program.size());
  load.license = reinterpret_cast<uint64_t>(kLicense);
  Fd prog(static_cast<int>(Bpf(BPF_PROG_LOAD, load)));
  if (prog.get() < 0) return BpfError("BPF_PROG_LOAD", cgroup_dir);

  Fd cgroup(::open(cgroup_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (cgroup.get() < 0) return Status::FromErrno(errno, "open " + cgroup_dir);
  auto before = AttachedPrograms(cgroup.get(), cgroup_dir);
  if (!before.ok()) return before.status();

  bpf_attr attach{};
  attach.target_fd = cgroup.get();
  attach.attach_bpf_fd = prog.get();
  attach.attach_type = BPF_CGROUP_DEVICE;
  attach.attach_flags = BPF_F_ALLOW_MULTI;
  if (Bpf(BPF_PROG_ATTACH, attach) != 0) return BpfError("BPF_PROG_ATTACH", cgroup_dir);

  // Every attached program must allow an access, so between the attach above
  // and these detaches the cgroup has the stricter of the old and new rules.
  for (uint32_t id : *before) {
    bpf_attr get{};
    get.prog_id = id;
    Fd old(static_cast<int>(Bpf(BPF_PROG_GET_FD_BY_ID, get)));
    if (old.get() < 0) continue;  // detached meanwhile
    bpf_attr detach{};
    detach.target_fd = cgroup.get();
    detach.attach_bpf_fd = old.get();
    detach.attach_type = BPF_CGROUP_DEVICE;
    if (Bpf(BPF_PROG_DETACH, detach) != 0 && errno != ENOENT) {
      return BpfError("BPF_PROG_DETACH", cgroup_dir);
    }
  }
  return Status::Ok();
}

}  // namespace skiff::runtime
