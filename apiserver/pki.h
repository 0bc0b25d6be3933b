// The cluster's PKI on disk: a CA and a serving certificate signed by it.
//
// EnsurePki creates, under dir, on first start: ca.crt/ca.key (a self-signed
// ECDSA P-256 CA, 10 years) and serving.crt/serving.key (1 year, SANs for every
// host given plus localhost, 127.0.0.1 and ::1). On later starts it keeps the
// existing files; a serving certificate whose SANs miss a requested host, or that
// expires within 30 days, is re-issued from the same CA. Keys are written 0600.
// IssueClientCert signs a client certificate (CN = user, O = groups) with the CA.
// Failures name the file and the OpenSSL or errno reason; a failure leaves any
// previously valid files untouched.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"

namespace skiff::apiserver {

struct PkiPaths {
  std::string ca_cert, ca_key, serving_cert, serving_key;
};

PkiPaths PkiPathsIn(const std::string& dir);
Result<PkiPaths> EnsurePki(const std::string& dir, const std::vector<std::string>& hosts);

struct ClientCert {
  std::string cert_pem, key_pem;
};
Result<ClientCert> IssueClientCert(const PkiPaths& pki, const std::string& user,
                                   const std::vector<std::string>& groups);

}  // namespace skiff::apiserver
