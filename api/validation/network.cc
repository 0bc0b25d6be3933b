#include "api/validation/network.h"

#include <arpa/inet.h>

#include <cstring>
#include <string>

namespace skiff::api::validation {
namespace {

bool ParseV4(std::string_view ip, unsigned char out[4]) {
  std::string s(ip);
  return inet_pton(AF_INET, s.c_str(), out) == 1;
}

bool ParseV6(std::string_view ip, unsigned char out[16]) {
  std::string s(ip);
  return inet_pton(AF_INET6, s.c_str(), out) == 1;
}

}  // namespace

Messages IsValidPortNum(int64_t port) {
  if (port >= 1 && port <= 65535) return {};
  return {InclusiveRangeError(1, 65535)};
}

Messages IsValidPortName(std::string_view port) {
  Messages errs;
  if (port.size() > 15) errs.push_back(MaxLenError(15));
  bool charset_ok = !port.empty();
  bool has_letter = false;
  for (char c : port) {
    bool lower = c >= 'a' && c <= 'z';
    if (lower) has_letter = true;
    if (!lower && !(c >= '0' && c <= '9') && c != '-') charset_ok = false;
  }
  if (!charset_ok) {
    errs.push_back("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
  }
  if (!has_letter) errs.push_back("must contain at least one letter (a-z)");
  if (port.find("--") != std::string_view::npos) {
    errs.push_back("must not contain consecutive hyphens");
  }
  if (!port.empty() && (port.front() == '-' || port.back() == '-')) {
    errs.push_back("must not begin or end with a hyphen");
  }
  return errs;
}

bool IsIpv4(std::string_view ip) {
  unsigned char buf[4];
  return ParseV4(ip, buf);
}

bool IsIpv6(std::string_view ip) {
  unsigned char buf[16];
  return ip.find(':') != std::string_view::npos && ParseV6(ip, buf);
}

Messages IsValidIp(std::string_view ip) {
  if (IsIpv4(ip) || IsIpv6(ip)) return {};
  return {"must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"};
}

Messages IsValidCidr(std::string_view cidr) {
  size_t slash = cidr.find('/');
  bool ok = slash != std::string_view::npos;
  if (ok) {
    std::string_view addr = cidr.substr(0, slash);
    std::string_view bits = cidr.substr(slash + 1);
    int max_bits = IsIpv4(addr) ? 32 : (IsIpv6(addr) ? 128 : -1);
    ok = max_bits > 0 && !bits.empty() && bits.size() <= 3;
    int n = 0;
    for (char c : bits) {
      if (c < '0' || c > '9') ok = false;
      n = n * 10 + (c - '0');
    }
    ok = ok && n <= max_bits;
  }
  if (ok) return {};
  return {"must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"};
}

Messages NonSpecialIpProblems(std::string_view ip) {
  unsigned char v4[4];
  unsigned char v6[16];
  if (ParseV4(ip, v4)) {
    if (v4[0] == 0 && v4[1] == 0 && v4[2] == 0 && v4[3] == 0) {
      return {"may not be unspecified (0.0.0.0)"};
    }
    if (v4[0] == 127) return {"may not be in the loopback range (127.0.0.0/8, ::1/128)"};
    if (v4[0] == 169 && v4[1] == 254) {
      return {"may not be in the link-local range (169.254.0.0/16, fe80::/10)"};
    }
    if (v4[0] == 224 && v4[1] == 0 && v4[2] == 0) {
      return {"may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"};
    }
    return {};
  }
  if (IsIpv6(ip) && ParseV6(ip, v6)) {
    static const unsigned char kZero[16] = {};
    unsigned char loop[16] = {};
    loop[15] = 1;
    if (std::memcmp(v6, kZero, 16) == 0) return {"may not be unspecified (::)"};
    if (std::memcmp(v6, loop, 16) == 0) {
      return {"may not be in the loopback range (127.0.0.0/8, ::1/128)"};
    }
    if (v6[0] == 0xfe && (v6[1] & 0xc0) == 0x80) {
      return {"may not be in the link-local range (169.254.0.0/16, fe80::/10)"};
    }
    if (v6[0] == 0xff && (v6[1] & 0x0f) == 0x02) {
      return {"may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"};
    }
  }
  return {};
}

}  // namespace skiff::api::validation
