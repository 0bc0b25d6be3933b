// The tables of the default seccomp profile: see seccomp_syscalls.h.
#include "nodeagent/runtime/seccomp_syscalls.h"

#include <linux/capability.h>

#include <array>
#include <cstdint>

namespace skiff::runtime::seccomp_tables {
namespace {

using namespace std::string_view_literals;

constexpr std::array kFiles = {
    "access"sv,
    "chdir"sv,
    "chmod"sv,
    "chown"sv,
    "chown32"sv,
    "close"sv,
    "close_range"sv,
    "copy_file_range"sv,
    "creat"sv,
    "dup"sv,
    "dup2"sv,
    "dup3"sv,
    "faccessat"sv,
    "faccessat2"sv,
    "fadvise64"sv,
    "fadvise64_64"sv,
    "fallocate"sv,
    "fchdir"sv,
    "fchmod"sv,
    "fchmodat"sv,
    "fchmodat2"sv,
    "fchown"sv,
    "fchown32"sv,
    "fchownat"sv,
    "fcntl"sv,
    "fcntl64"sv,
    "fdatasync"sv,
    "flock"sv,
    "fstat"sv,
    "fstat64"sv,
    "fstatat64"sv,
    "fstatfs"sv,
    "fstatfs64"sv,
    "fsync"sv,
    "ftruncate"sv,
    "ftruncate64"sv,
    "futimesat"sv,
    "getcwd"sv,
    "getdents"sv,
    "getdents64"sv,
    "link"sv,
    "linkat"sv,
    "_llseek"sv,
    "lchown"sv,
    "lchown32"sv,
    "lseek"sv,
    "lstat"sv,
    "lstat64"sv,
    "mkdir"sv,
    "mkdirat"sv,
    "mknod"sv,
    "mknodat"sv,
    "name_to_handle_at"sv,
    "newfstatat"sv,
    "open"sv,
    "openat"sv,
    "openat2"sv,
    "pread64"sv,
    "preadv"sv,
    "preadv2"sv,
    "pwrite64"sv,
    "pwritev"sv,
    "pwritev2"sv,
    "read"sv,
    "readahead"sv,
    "readlink"sv,
    "readlinkat"sv,
    "readv"sv,
    "rename"sv,
    "renameat"sv,
    "renameat2"sv,
    "rmdir"sv,
    "sendfile"sv,
    "sendfile64"sv,
    "splice"sv,
    "stat"sv,
    "stat64"sv,
    "statfs"sv,
    "statfs64"sv,
    "statx"sv,
    "symlink"sv,
    "symlinkat"sv,
    "sync"sv,
    "sync_file_range"sv,
    "syncfs"sv,
    "tee"sv,
    "truncate"sv,
    "truncate64"sv,
    "umask"sv,
    "unlink"sv,
    "unlinkat"sv,
    "utime"sv,
    "utimensat"sv,
    "utimensat_time64"sv,
    "utimes"sv,
    "vmsplice"sv,
    "write"sv,
    "writev"sv,
};

constexpr std::array kXattrs = {
    "fgetxattr"sv, "flistxattr"sv, "fremovexattr"sv, "fsetxattr"sv, "getxattr"sv,    "lgetxattr"sv,
    "listxattr"sv, "llistxattr"sv, "lremovexattr"sv, "lsetxattr"sv, "removexattr"sv, "setxattr"sv,
};

constexpr std::array kEventsAndPolling = {
    "epoll_create"sv,
    "epoll_create1"sv,
    "epoll_ctl"sv,
    "epoll_ctl_old"sv,
    "epoll_pwait"sv,
    "epoll_pwait2"sv,
    "epoll_wait"sv,
    "epoll_wait_old"sv,
    "eventfd"sv,
    "eventfd2"sv,
    "fanotify_mark"sv,
    "inotify_add_watch"sv,
    "inotify_init"sv,
    "inotify_init1"sv,
    "inotify_rm_watch"sv,
    "_newselect"sv,
    "pause"sv,
    "pipe"sv,
    "pipe2"sv,
    "poll"sv,
    "ppoll"sv,
    "ppoll_time64"sv,
    "pselect6"sv,
    "pselect6_time64"sv,
    "select"sv,
    "signalfd"sv,
    "signalfd4"sv,
    "timerfd_create"sv,
    "timerfd_gettime"sv,
    "timerfd_gettime64"sv,
    "timerfd_settime"sv,
    "timerfd_settime64"sv,
};

constexpr std::array kAsyncIo = {
    "io_cancel"sv,
    "io_destroy"sv,
    "io_getevents"sv,
    "io_pgetevents"sv,
    "io_pgetevents_time64"sv,
    "io_setup"sv,
    "io_submit"sv,
    // Not io_uring_setup, _enter, _register: a ring runs its operations out of
    // the filter's sight, and io_uring has been a steady source of kernel
    // exploits. Docker (since 25) and containerd (2.0) refuse them too; they
    // answer EPERM here as there.
    "ioctl"sv,
    "ioprio_get"sv,
    "ioprio_set"sv,
};

constexpr std::array kMemory = {
    "brk"sv,          "madvise"sv,       "membarrier"sv,
    "memfd_create"sv, "memfd_secret"sv,  "mincore"sv,
    "mlock"sv,        "mlock2"sv,        "mlockall"sv,
    "mmap"sv,         "mmap2"sv,         "mprotect"sv,
    "mremap"sv,       "msync"sv,         "munlock"sv,
    "munlockall"sv,   "munmap"sv,        "pkey_alloc"sv,
    "pkey_free"sv,    "pkey_mprotect"sv, "remap_file_pages"sv,
};

constexpr std::array kProcesses = {
    "capget"sv,
    "capset"sv,
    "execve"sv,
    "execveat"sv,
    "exit"sv,
    "exit_group"sv,
    "fork"sv,
    "get_robust_list"sv,
    "get_thread_area"sv,
    "getcpu"sv,
    "getpgid"sv,
    "getpgrp"sv,
    "getpid"sv,
    "getppid"sv,
    "getpriority"sv,
    "getrlimit"sv,
    "getrusage"sv,
    "getsid"sv,
    "gettid"sv,
    "pidfd_open"sv,
    "pidfd_send_signal"sv,
    "prctl"sv,
    "prlimit64"sv,
    "process_mrelease"sv,
    "restart_syscall"sv,
    "rseq"sv,
    "sched_get_priority_max"sv,
    "sched_get_priority_min"sv,
    "sched_getaffinity"sv,
    "sched_getattr"sv,
    "sched_getparam"sv,
    "sched_getscheduler"sv,
    "sched_rr_get_interval"sv,
    "sched_rr_get_interval_time64"sv,
    "sched_setaffinity"sv,
    "sched_setattr"sv,
    "sched_setparam"sv,
    "sched_setscheduler"sv,
    "sched_yield"sv,
    "seccomp"sv,
    "set_robust_list"sv,
    "set_thread_area"sv,
    "set_tid_address"sv,
    "setpgid"sv,
    "setpriority"sv,
    "setrlimit"sv,
    "setsid"sv,
    "ugetrlimit"sv,
    "vfork"sv,
    "wait4"sv,
    "waitid"sv,
    "waitpid"sv,
    "futex"sv,
    "futex_time64"sv,
    "futex_waitv"sv,
    "landlock_add_rule"sv,
    "landlock_create_ruleset"sv,
    "landlock_restrict_self"sv,
};

constexpr std::array kIdentity = {
    "getegid"sv,   "getegid32"sv,   "geteuid"sv,   "geteuid32"sv,   "getgid"sv,    "getgid32"sv,
    "getgroups"sv, "getgroups32"sv, "getresgid"sv, "getresgid32"sv, "getresuid"sv, "getresuid32"sv,
    "getuid"sv,    "getuid32"sv,    "setfsgid"sv,  "setfsgid32"sv,  "setfsuid"sv,  "setfsuid32"sv,
    "setgid"sv,    "setgid32"sv,    "setgroups"sv, "setgroups32"sv, "setregid"sv,  "setregid32"sv,
    "setresgid"sv, "setresgid32"sv, "setresuid"sv, "setresuid32"sv, "setreuid"sv,  "setreuid32"sv,
    "setuid"sv,    "setuid32"sv,
};

constexpr std::array kSignals = {
    "alarm"sv,
    "getitimer"sv,
    "kill"sv,
    "rt_sigaction"sv,
    "rt_sigpending"sv,
    "rt_sigprocmask"sv,
    "rt_sigqueueinfo"sv,
    "rt_sigreturn"sv,
    "rt_sigsuspend"sv,
    "rt_sigtimedwait"sv,
    "rt_sigtimedwait_time64"sv,
    "rt_tgsigqueueinfo"sv,
    "setitimer"sv,
    "sigaltstack"sv,
    "sigprocmask"sv,
    "sigreturn"sv,
    "tgkill"sv,
    "tkill"sv,
};

constexpr std::array kTime = {
    "adjtimex"sv,
    "clock_adjtime"sv,
    "clock_adjtime64"sv,
    "clock_getres"sv,
    "clock_getres_time64"sv,
    "clock_gettime"sv,
    "clock_gettime64"sv,
    "clock_nanosleep"sv,
    "clock_nanosleep_time64"sv,
    "gettimeofday"sv,
    "nanosleep"sv,
    "time"sv,
    "timer_create"sv,
    "timer_delete"sv,
    "timer_getoverrun"sv,
    "timer_gettime"sv,
    "timer_gettime64"sv,
    "timer_settime"sv,
    "timer_settime64"sv,
    "times"sv,
};

constexpr std::array kNetworking = {
    "accept"sv,      "accept4"sv,         "bind"sv,       "connect"sv,  "getpeername"sv,
    "getsockname"sv, "getsockopt"sv,      "listen"sv,     "recv"sv,     "recvfrom"sv,
    "recvmmsg"sv,    "recvmmsg_time64"sv, "recvmsg"sv,    "send"sv,     "sendmmsg"sv,
    "sendmsg"sv,     "sendto"sv,          "setsockopt"sv, "shutdown"sv, "socketcall"sv,
    "socketpair"sv,
};

constexpr std::array kSysvIpcAndQueues = {
    "ipc"sv,
    "mq_getsetattr"sv,
    "mq_notify"sv,
    "mq_open"sv,
    "mq_timedreceive"sv,
    "mq_timedreceive_time64"sv,
    "mq_timedsend"sv,
    "mq_timedsend_time64"sv,
    "mq_unlink"sv,
    "msgctl"sv,
    "msgget"sv,
    "msgrcv"sv,
    "msgsnd"sv,
    "semctl"sv,
    "semget"sv,
    "semop"sv,
    "semtimedop"sv,
    "semtimedop_time64"sv,
    "shmat"sv,
    "shmctl"sv,
    "shmdt"sv,
    "shmget"sv,
};

constexpr std::array kSystemInfo = {"getrandom"sv, "sysinfo"sv, "uname"sv};

// x86 only: the thread pointer and the local descriptor table.
constexpr std::array kX86 = {"arch_prctl"sv, "modify_ldt"sv};

// The groups a capability opens, as the kernel would let that capability do.
constexpr std::array kSysAdmin = {
    "bpf"sv,           "clone"sv,         "clone3"sv,      "fanotify_init"sv,   "fsconfig"sv,
    "fsmount"sv,       "fsopen"sv,        "fspick"sv,      "lookup_dcookie"sv,  "mount"sv,
    "mount_setattr"sv, "move_mount"sv,    "open_tree"sv,   "perf_event_open"sv, "quotactl"sv,
    "quotactl_fd"sv,   "setdomainname"sv, "sethostname"sv, "setns"sv,           "syslog"sv,
    "umount"sv,        "umount2"sv,       "unshare"sv,
};
constexpr std::array kDacReadSearch = {"open_by_handle_at"sv};
constexpr std::array kSysBoot = {"reboot"sv};
constexpr std::array kSysChroot = {"chroot"sv};
constexpr std::array kSysModule = {"delete_module"sv, "init_module"sv, "finit_module"sv};
constexpr std::array kSysPacct = {"acct"sv};
constexpr std::array kSysPtrace = {
    "kcmp"sv,  "pidfd_getfd"sv, "process_madvise"sv, "process_vm_readv"sv, "process_vm_writev"sv,
    "ptrace"sv};
constexpr std::array kSysRawio = {"iopl"sv, "ioperm"sv};
constexpr std::array kSysTime = {"settimeofday"sv, "stime"sv, "clock_settime"sv,
                                 "clock_settime64"sv};
constexpr std::array kSysTtyConfig = {"vhangup"sv};
constexpr std::array kSysNice = {"get_mempolicy"sv, "mbind"sv, "set_mempolicy"sv,
                                 "set_mempolicy_home_node"sv};
constexpr std::array kSyslog = {"syslog"sv};
constexpr std::array kBpf = {"bpf"sv};
constexpr std::array kPerfmon = {"perf_event_open"sv};

constexpr std::array kPtraceFamily = {"ptrace"sv, "process_vm_readv"sv, "process_vm_writev"sv};

constexpr std::array<uint64_t, 5> kPersonas = {0x0, 0x8, 0x20000, 0x20008, 0xffffffff};

const std::array kGroups = {
    SyscallGroup{"files", -1, kFiles},
    SyscallGroup{"extended attributes", -1, kXattrs},
    SyscallGroup{"events and polling", -1, kEventsAndPolling},
    SyscallGroup{"asynchronous and device I/O", -1, kAsyncIo},
    SyscallGroup{"memory", -1, kMemory},
    SyscallGroup{"processes and threads", -1, kProcesses},
    SyscallGroup{"user and group ids", -1, kIdentity},
    SyscallGroup{"signals and timers", -1, kSignals},
    SyscallGroup{"clocks", -1, kTime},
    SyscallGroup{"sockets", -1, kNetworking},
    SyscallGroup{"System V IPC and message queues", -1, kSysvIpcAndQueues},
    SyscallGroup{"system information", -1, kSystemInfo},
    SyscallGroup{"x86 thread state", -1, kX86},
    SyscallGroup{"namespaces, mounts and admin", CAP_SYS_ADMIN, kSysAdmin},
    SyscallGroup{"file handles", CAP_DAC_READ_SEARCH, kDacReadSearch},
    SyscallGroup{"reboot", CAP_SYS_BOOT, kSysBoot},
    SyscallGroup{"chroot", CAP_SYS_CHROOT, kSysChroot},
    SyscallGroup{"kernel modules", CAP_SYS_MODULE, kSysModule},
    SyscallGroup{"process accounting", CAP_SYS_PACCT, kSysPacct},
    SyscallGroup{"tracing other processes", CAP_SYS_PTRACE, kSysPtrace},
    SyscallGroup{"raw I/O ports", CAP_SYS_RAWIO, kSysRawio},
    SyscallGroup{"setting the clock", CAP_SYS_TIME, kSysTime},
    SyscallGroup{"terminal hangup", CAP_SYS_TTY_CONFIG, kSysTtyConfig},
    SyscallGroup{"NUMA memory policy", CAP_SYS_NICE, kSysNice},
    SyscallGroup{"kernel log", CAP_SYSLOG, kSyslog},
    SyscallGroup{"BPF programs", CAP_BPF, kBpf},
    SyscallGroup{"performance monitoring", CAP_PERFMON, kPerfmon},
};

}  // namespace

std::span<const SyscallGroup> Groups() { return kGroups; }
std::span<const std::string_view> PtraceFamily() { return kPtraceFamily; }
std::span<const uint64_t> AllowedPersonas() { return kPersonas; }

}  // namespace skiff::runtime::seccomp_tables
