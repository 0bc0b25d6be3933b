#include "apiserver/pki.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <memory>
#include <sstream>

namespace skiff::apiserver {
namespace {

constexpr long kCaDays = 3650;
constexpr long kLeafDays = 365;
constexpr long kRenewBeforeDays = 30;

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;

Status OpenSslError(const std::string& context) {
  unsigned long e = ERR_get_error();
  char buf[256] = "unknown error";
  if (e) ERR_error_string_n(e, buf, sizeof buf);
  ERR_clear_error();
  return Status::Internal(context + ": " + buf);
}

bool Exists(const std::string& path) {
  struct stat st{};
  return stat(path.c_str(), &st) == 0;
}

Result<Key> NewKey() {
  Key key(EVP_EC_gen("P-256"));
  if (!key) return OpenSslError("generate ECDSA P-256 key");
  return key;
}

std::string ToPem(X509* cert) {
  Bio bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), cert);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

std::string ToPem(EVP_PKEY* key) {
  Bio bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

// Writes atomically (temp file + rename) so a crash never leaves half a key.
Status WriteFile(const std::string& path, const std::string& data, mode_t mode) {
  std::string tmp = path + ".tmp";
  FILE* f = std::fopen(tmp.c_str(), "w");
  if (!f) return Status::FromErrno(errno, "write " + path);
  chmod(tmp.c_str(), mode);
  bool ok = std::fwrite(data.data(), 1, data.size(), f) == data.size();
  ok = (std::fflush(f) == 0) && ok;
  ok = (fsync(fileno(f)) == 0) && ok;
  std::fclose(f);
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    std::remove(tmp.c_str());
    return Status::FromErrno(err, "write " + path);
  }
  return Status::Ok();
}

Result<Cert> ReadCert(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "r");
  if (!f) return Status::FromErrno(errno, "read " + path);
  Cert cert(PEM_read_X509(f, nullptr, nullptr, nullptr));
  std::fclose(f);
  if (!cert) return OpenSslError("parse certificate " + path);
  return cert;
}

Result<Key> ReadKey(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "r");
  if (!f) return Status::FromErrno(errno, "read " + path);
  Key key(PEM_read_PrivateKey(f, nullptr, nullptr, nullptr));
  std::fclose(f);
  if (!key) return OpenSslError("parse private key " + path);
  return key;
}

void AddExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (ext) {
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
  }
}

// A certificate for subject_key, signed by issuer_key (issuer = nullptr: self-signed).
Result<Cert> Sign(EVP_PKEY* subject_key, const std::string& cn, const std::vector<std::string>& orgs,
                  X509* issuer, EVP_PKEY* issuer_key, long days) {
  Cert cert(X509_new());
  X509_set_version(cert.get(), 2);
  unsigned char serial[16];
  RAND_bytes(serial, sizeof serial);
  serial[0] &= 0x7F;
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), days * 86400);
  X509_set_pubkey(cert.get(), subject_key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  for (const auto& o : orgs) {
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(o.c_str()), -1, -1, 0);
  }
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : name);
  if (!issuer) {
    AddExtension(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE");
    AddExtension(cert.get(), cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature");
    AddExtension(cert.get(), cert.get(), NID_subject_key_identifier, "hash");
  }
  if (X509_sign(cert.get(), issuer_key, EVP_sha256()) == 0) return OpenSslError("sign certificate for " + cn);
  return cert;
}

bool IsIp(const std::string& host) {
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

std::vector<std::string> AllHosts(std::vector<std::string> hosts) {
  for (const char* h : {"localhost", "127.0.0.1", "::1"}) hosts.emplace_back(h);
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) == 0 && name[0]) hosts.emplace_back(name);
  std::vector<std::string> unique;
  for (auto& h : hosts) {
    if (!h.empty() && h != "0.0.0.0" && h != "::" && std::find(unique.begin(), unique.end(), h) == unique.end()) {
      unique.push_back(h);
    }
  }
  return unique;
}

bool ServingCertCovers(X509* cert, const std::vector<std::string>& hosts) {
  if (X509_cmp_time(X509_get0_notAfter(cert), nullptr) <= 0) return false;
  time_t soon = time(nullptr) + kRenewBeforeDays * 86400;
  if (X509_cmp_time(X509_get0_notAfter(cert), &soon) <= 0) return false;
  for (const auto& h : hosts) {
    int ok = IsIp(h) ? X509_check_ip_asc(cert, h.c_str(), 0) : X509_check_host(cert, h.c_str(), h.size(), 0, nullptr);
    if (ok != 1) return false;
  }
  return true;
}

Status IssueServingCert(const PkiPaths& paths, const std::vector<std::string>& hosts) {
  Result<Cert> ca = ReadCert(paths.ca_cert);
  if (!ca.ok()) return ca.status();
  Result<Key> ca_key = ReadKey(paths.ca_key);
  if (!ca_key.ok()) return ca_key.status();
  Result<Key> key = NewKey();
  if (!key.ok()) return key.status();
  Result<Cert> cert = Sign(key->get(), "skiff-apiserver", {}, ca->get(), ca_key->get(), kLeafDays);
  if (!cert.ok()) return cert.status();
  std::string san;
  for (const auto& h : hosts) san += (san.empty() ? "" : ",") + std::string(IsIp(h) ? "IP:" : "DNS:") + h;
  AddExtension(cert->get(), ca->get(), NID_subject_alt_name, san);
  AddExtension(cert->get(), ca->get(), NID_ext_key_usage, "serverAuth");
  AddExtension(cert->get(), ca->get(), NID_key_usage, "critical,digitalSignature,keyEncipherment");
  if (X509_sign(cert->get(), ca_key->get(), EVP_sha256()) == 0) return OpenSslError("sign serving certificate");
  SKIFF_RETURN_IF_ERROR(WriteFile(paths.serving_key, ToPem(key->get()), 0600));
  return WriteFile(paths.serving_cert, ToPem(cert->get()), 0644);
}

}  // namespace

PkiPaths PkiPathsIn(const std::string& dir) {
  return {dir + "/ca.crt", dir + "/ca.key", dir + "/serving.crt", dir + "/serving.key"};
}

Result<PkiPaths> EnsurePki(const std::string& dir, const std::vector<std::string>& requested_hosts) {
  PkiPaths paths = PkiPathsIn(dir);
  if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return Status::FromErrno(errno, "create " + dir);
  if (!Exists(paths.ca_cert) || !Exists(paths.ca_key)) {
    Result<Key> key = NewKey();
    if (!key.ok()) return key.status();
    Result<Cert> ca = Sign(key->get(), "skiff-ca", {}, nullptr, key->get(), kCaDays);
    if (!ca.ok()) return ca.status();
    SKIFF_RETURN_IF_ERROR(WriteFile(paths.ca_key, ToPem(key->get()), 0600));
    SKIFF_RETURN_IF_ERROR(WriteFile(paths.ca_cert, ToPem(ca->get()), 0644));
    std::remove(paths.serving_cert.c_str());
  }
  std::vector<std::string> hosts = AllHosts(requested_hosts);
  bool reissue = !Exists(paths.serving_cert) || !Exists(paths.serving_key);
  if (!reissue) {
    Result<Cert> serving = ReadCert(paths.serving_cert);
    reissue = !serving.ok() || !ServingCertCovers(serving->get(), hosts);
  }
  if (reissue) SKIFF_RETURN_IF_ERROR(IssueServingCert(paths, hosts));
  return paths;
}

Result<ClientCert> IssueClientCert(const PkiPaths& pki, const std::string& user,
                                   const std::vector<std::string>& groups) {
  Result<Cert> ca = ReadCert(pki.ca_cert);
  if (!ca.ok()) return ca.status();
  Result<Key> ca_key = ReadKey(pki.ca_key);
  if (!ca_key.ok()) return ca_key.status();
  Result<Key> key = NewKey();
  if (!key.ok()) return key.status();
  Result<Cert> cert = Sign(key->get(), user, groups, ca->get(), ca_key->get(), kLeafDays);
  if (!cert.ok()) return cert.status();
  AddExtension(cert->get(), ca->get(), NID_ext_key_usage, "clientAuth");
  if (X509_sign(cert->get(), ca_key->get(), EVP_sha256()) == 0) return OpenSslError("sign client certificate");
  return ClientCert{ToPem(cert->get()), ToPem(key->get())};
}

}  // namespace skiff::apiserver
