// Authentication: who a request is from.
//
// Two credentials are accepted, as kube-apiserver does: a bearer token listed in
// a token file (`--token-auth-file` format: token,user,uid[,"group1,group2"]) and a
// TLS client certificate signed by the cluster CA (CN = user, O = groups; the TLS
// layer has verified the chain). A request with neither is Unauthorized.
// The token file is read once at start; the authenticator is then immutable and
// thread-safe.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "base/status.h"

typedef struct ssl_st SSL;

namespace skiff::apiserver {

struct UserInfo {
  std::string name;
  std::string uid;
  std::vector<std::string> groups;
};

class Authenticator {
 public:
  // Reads a token file; errors name the file and line.
  static Result<Authenticator> FromTokenFile(const std::string& path);

  // authorization is the Authorization header ("" when absent); ssl the TLS
  // connection (nullptr for plain HTTP).
  Result<UserInfo> Authenticate(const std::string& authorization, const SSL* ssl) const;

 private:
  std::map<std::string, UserInfo> tokens_;
};

// Creates path with one admin token (group system:masters) unless it exists; returns
// the admin token found or written. Errors name the file.
Result<std::string> EnsureAdminToken(const std::string& path);

}  // namespace skiff::apiserver
