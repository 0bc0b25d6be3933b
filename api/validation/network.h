// Validators for ports and IP addresses, as Kubernetes 1.32's
// k8s.io/apimachinery/pkg/util/validation (same messages, same order).
//
// Each returns the list of problems (empty when valid). Pure functions:
// thread-safe, no exceptions.
#pragma once

#include <cstdint>
#include <string_view>

#include "api/validation/names.h"

namespace skiff::api::validation {

// 1..65535: "must be between 1 and 65535, inclusive".
Messages IsValidPortNum(int64_t port);
// An IANA service name: at most 15 characters of [-a-z0-9], at least one
// letter, no "--", not starting or ending with '-'.
Messages IsValidPortName(std::string_view port);
// An IPv4 or IPv6 address (no zone, no brackets):
// "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)".
Messages IsValidIp(std::string_view ip);
// "10.0.0.0/8" or "fd00::/64".
Messages IsValidCidr(std::string_view cidr);

bool IsIpv4(std::string_view ip);
bool IsIpv6(std::string_view ip);

// The special ranges an Endpoints address may not use (upstream's
// ValidateNonSpecialIP): unspecified, loopback, link-local, link-local multicast.
Messages NonSpecialIpProblems(std::string_view ip);

}  // namespace skiff::api::validation
