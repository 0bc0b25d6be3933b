// Kubeconfig: where a client finds its API server and credentials, read the way
// client-go reads a kubeconfig file.
//
// LoadKubeconfig resolves one context (current-context, or the override) to its
// cluster and user and returns everything a RestClient needs, with every file a
// field points to already read: certificate-authority, client-certificate,
// client-key and token-file are paths relative to the kubeconfig's directory
// unless absolute. As in client-go:
//   - token-file wins over token (it is read once, here; surrounding whitespace
//     is trimmed);
//   - a field given both inline (-data) and as a file is an error, and so is a
//     certificate authority together with insecure-skip-tls-verify;
//   - a client certificate needs its key and the other way round;
//   - fields skiff does not implement (exec, auth-provider, tls-server-name,
//     proxy-url, username/password) are errors rather than silently ignored.
//
// Every error is a Status whose message names the file and the field, e.g.
//   kubeconfig /x/kubeconfig: users[0].user.token-file: cannot read /x/t: No such file or directory
// YAML syntax errors name the line and column. Code: NotFound when the file or a
// named context/cluster/user is missing, Invalid for a malformed file or field.
//
// LocateKubeconfig picks the file the way kubectl does: the --kubeconfig flag,
// else $KUBECONFIG, else ~/.kube/config. $KUBECONFIG may be a ':' separated list;
// unlike kubectl, which merges every file of the list, the first entry that
// exists is used alone.
//
// Plain functions over values; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace skiff::client {

struct Kubeconfig {
  std::string path;     // the file this came from
  std::string context;  // the context that was resolved
  std::string cluster;  // its cluster's name
  std::string user;     // its user's name
  std::string namespace_ = "default";  // the context's namespace

  std::string server;  // "https://host:port" (possibly with a path prefix)
  std::string ca_pem;  // PEM of the certificate authorities to trust; empty = system roots
  bool insecure_skip_tls_verify = false;

  std::string token;            // bearer token; empty = none
  std::string client_cert_pem;  // client certificate and key, both or neither
  std::string client_key_pem;
};

// Reads and resolves `path`. context_override, when not empty, replaces
// current-context.
Result<Kubeconfig> LoadKubeconfig(const std::string& path, const std::string& context_override = "");

// Resolves kubeconfig text; `path` is used for error messages and to resolve
// relative file references.
Result<Kubeconfig> ParseKubeconfig(std::string_view yaml, const std::string& path,
                                   const std::string& context_override = "");

// The kubeconfig file to use: `flag` when not empty (whether or not it exists,
// so that LoadKubeconfig reports the missing file), else the first existing entry
// of $KUBECONFIG, else $HOME/.kube/config. NotFound, naming what was tried, when
// there is none.
Result<std::string> LocateKubeconfig(const std::string& flag);

}  // namespace skiff::client
