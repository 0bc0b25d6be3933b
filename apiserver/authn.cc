#include "apiserver/authn.h"

#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

namespace skiff::apiserver {
namespace {

// Splits one CSV line; a field may be double-quoted (to hold commas).
std::vector<std::string> SplitCsv(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (char c : line) {
    if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

std::vector<std::string> SplitGroups(const std::string& s) {
  std::vector<std::string> groups;
  std::stringstream in(s);
  std::string g;
  while (std::getline(in, g, ',')) {
    if (!g.empty()) groups.push_back(g);
  }
  return groups;
}

Result<UserInfo> FromClientCert(const SSL* ssl) {
  X509* cert = SSL_get0_peer_certificate(ssl);
  if (!cert) return Status(Code::kUnauthorized, "Unauthorized");
  if (SSL_get_verify_result(ssl) != X509_V_OK) return Status(Code::kUnauthorized, "Unauthorized");
  UserInfo user;
  X509_NAME* subject = X509_get_subject_name(cert);
  for (int i = 0; i < X509_NAME_entry_count(subject); ++i) {
    X509_NAME_ENTRY* entry = X509_NAME_get_entry(subject, i);
    int nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(entry));
    unsigned char* utf8 = nullptr;
    int n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(entry));
    if (n < 0) continue;
    std::string value(reinterpret_cast<char*>(utf8), static_cast<size_t>(n));
    OPENSSL_free(utf8);
    if (nid == NID_commonName) user.name = value;
    if (nid == NID_organizationName) user.groups.push_back(value);
  }
  if (user.name.empty()) return Status(Code::kUnauthorized, "Unauthorized");
  return user;
}

}  // namespace

Result<Authenticator> Authenticator::FromTokenFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::FromErrno(errno, "read token file " + path);
  Authenticator auth;
  std::string line;
  for (int line_no = 1; std::getline(in, line); ++line_no) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> f = SplitCsv(line);
    if (f.size() < 3 || f[0].empty() || f[1].empty()) {
      return Status::BadRequest(path + ":" + std::to_string(line_no) + ": want token,user,uid[,\"groups\"]");
    }
    auth.tokens_[f[0]] = UserInfo{f[1], f[2], f.size() > 3 ? SplitGroups(f[3]) : std::vector<std::string>{}};
  }
  return auth;
}

Result<UserInfo> Authenticator::Authenticate(const std::string& authorization, const SSL* ssl) const {
  static constexpr std::string_view kBearer = "Bearer ";
  if (authorization.rfind(kBearer, 0) == 0) {
    auto it = tokens_.find(authorization.substr(kBearer.size()));
    if (it != tokens_.end()) return it->second;
    return Status(Code::kUnauthorized, "Unauthorized");
  }
  if (ssl) return FromClientCert(ssl);
  return Status(Code::kUnauthorized, "Unauthorized");
}

Result<std::string> EnsureAdminToken(const std::string& path) {
  Result<Authenticator> existing = Authenticator::FromTokenFile(path);
  if (existing.ok()) {
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
      std::vector<std::string> f = SplitCsv(line);
      if (f.size() >= 2 && f[1] == "admin") return f[0];
    }
    return Status::BadRequest(path + ": no token for user admin");
  }
  unsigned char raw[24];
  if (RAND_bytes(raw, sizeof raw) != 1) return Status::Internal("no randomness for the admin token");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string token;
  for (unsigned char b : raw) {
    token += kHex[b >> 4];
    token += kHex[b & 15];
  }
  std::ofstream out(path, std::ios::trunc);
  if (!out) return Status::FromErrno(errno, "write token file " + path);
  chmod(path.c_str(), 0600);
  out << token << ",admin,admin,\"system:masters\"\n";
  out.close();
  if (!out) return Status::FromErrno(errno, "write token file " + path);
  return token;
}

}  // namespace skiff::apiserver
