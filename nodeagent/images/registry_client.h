// RegistryClient: pulls images from a Docker Registry HTTP API v2 into an
// ImageStore.
//
// Pull flow (docs/images.md): GET /v2/<repo>/manifests/<tag|digest> accepting the
// OCI index, Docker manifest list, OCI manifest and Docker schema 2; an index
// resolves to the os/architecture entry (linux/amd64 by default), fetched by
// digest; the config and each layer not already in the blob store are streamed
// into it and verified by digest and size; the manifest is checked against the
// digest asked for (or Docker-Content-Digest); then ImageStore::Commit. A 401 is
// answered once per request: a Bearer challenge gets a token from its realm
// (with Basic credentials when configured), a Basic challenge gets the
// credentials. Redirects (blob storage) are followed without the Authorization
// header. Registries on loopback (localhost, 127.0.0.0/8, ::1) and those listed
// as insecure are reached over plain HTTP, others over verified TLS.
//
// Errors: Unauthorized/Forbidden/NotFound from the registry keep its code and
// message; network failures are Unavailable; bad content is Invalid. Blobs of a
// failed pull are collected (the pull holds an IngestLease). One client may be
// used from several threads; each Pull has its own connections and token.
#pragma once

#include <map>
#include <set>
#include <string>

#include "base/status.h"
#include "nodeagent/images/image_reference.h"
#include "nodeagent/images/image_store.h"

namespace skiff::images {

struct RegistryCredentials {
  std::string username;
  std::string password;
};

struct RegistryOptions {
  std::set<std::string> insecure_registries;  // "host[:port]" reached over plain HTTP
  std::map<std::string, RegistryCredentials>
      credentials;      // by registry ("docker.io", "127.0.0.1:5000")
  std::string ca_file;  // extra CA bundle for TLS; empty = the system's
  int timeout_seconds = 60;
  std::string os = "linux";
  std::string architecture = "amd64";
};

// "http://127.0.0.1:5000" or "https://registry-1.docker.io".
std::string RegistryBaseUrl(const ImageReference& ref, const RegistryOptions& options);

class RegistryClient {
 public:
  explicit RegistryClient(RegistryOptions options) : options_(std::move(options)) {}

  // Pulls ref and names it ref.String() (by tag, or name@digest when pinned).
  Result<Image> Pull(ImageStore& store, const ImageReference& ref) const;

 private:
  RegistryOptions options_;
};

}  // namespace skiff::images
