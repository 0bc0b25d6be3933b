#include "nodeagent/runtime/exec_channel.h"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace skiff::runtime {

int SendReport(int socket, const SetupReport& report, const int* fds, int fd_count) {
  iovec iov{const_cast<SetupReport*>(&report), sizeof(report)};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxReportFds)] = {};
  if (fd_count > 0) {
    if (fd_count > kMaxReportFds) return -EINVAL;
    msg.msg_control = control;
    msg.msg_controllen = CMSG_SPACE(sizeof(int) * fd_count);
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int) * fd_count);
    memcpy(CMSG_DATA(c), fds, sizeof(int) * fd_count);
  }
  for (;;) {
    ssize_t n = sendmsg(socket, &msg, MSG_NOSIGNAL);
    if (n == static_cast<ssize_t>(sizeof(report))) return 0;
    if (n >= 0) return -EPROTO;
    if (errno != EINTR) return -errno;
  }
}

int ReceiveReport(int socket, SetupReport& report, std::vector<UniqueFd>& fds) {
  iovec iov{&report, sizeof(report)};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxReportFds)] = {};
  msg.msg_control = control;
  msg.msg_controllen = sizeof(control);
  ssize_t n;
  do {
    n = recvmsg(socket, &msg, MSG_CMSG_CLOEXEC);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return -errno;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < count; ++i) {
      int fd;
      memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
      fds.emplace_back(fd);
    }
  }
  if (n == 0) return 0;
  if (n != static_cast<ssize_t>(sizeof(report)) || (msg.msg_flags & (MSG_CTRUNC | MSG_TRUNC))) {
    fds.clear();
    return -EPROTO;
  }
  report.step[sizeof(report.step) - 1] = 0;
  report.detail[sizeof(report.detail) - 1] = 0;
  return 1;
}

}  // namespace skiff::runtime
