#include "client/kubeconfig.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "api/yaml.h"
#include "base/base64.h"

namespace skiff::client {
namespace {

using nlohmann::json;

// Failures while resolving one file; every message starts "kubeconfig PATH: ".
class Resolver {
 public:
  Resolver(const json& doc, std::string path) : doc_(doc), path_(std::move(path)) {
    size_t slash = path_.rfind('/');
    dir_ = slash == std::string::npos ? "." : path_.substr(0, slash == 0 ? 1 : slash);
  }

  Result<Kubeconfig> Resolve(const std::string& context_override);

 private:
  Status Fail(Code code, const std::string& field, const std::string& what) const {
    return Status(code, "kubeconfig " + path_ + ": " + field + ": " + what);
  }

  // The entry of list `list` (clusters, contexts, users) whose name is `name`;
  // its index goes to *index.
  Result<const json*> Named(const char* list, const std::string& name, const std::string& referrer, size_t* index) const;
  // A string field of `obj` (empty when absent); Invalid when it is not a string.
  Result<std::string> String(const json& obj, const std::string& field_path, const char* key) const;
  // Contents of a file field, relative paths resolved against the kubeconfig's directory.
  Result<std::string> ReadReferenced(const std::string& field_path, const std::string& file) const;
  // Inline base64 `data_key` or file `file_key`, not both; empty when neither.
  Result<std::string> DataOrFile(const json& obj, const std::string& base, const char* data_key,
                                 const char* file_key) const;
  Status ResolveCluster(const json& cluster, const std::string& base, Kubeconfig& out) const;
  Status ResolveUser(const json& user, const std::string& base, Kubeconfig& out) const;

  const json& doc_;
  std::string path_;
  std::string dir_;
};

Result<const json*> Resolver::Named(const char* list, const std::string& name, const std::string& referrer,
                                    size_t* index) const {
  const json* entries = doc_.contains(list) ? &doc_[list] : nullptr;
  if (entries && !entries->is_null() && !entries->is_array()) {
    return Fail(Code::kInvalid, list, "must be a list");
  }
  if (entries && entries->is_array()) {
    for (size_t i = 0; i < entries->size(); ++i) {
      const json& e = (*entries)[i];
      if (e.is_object() && e.value("name", json()).is_string() && e["name"].get<std::string>() == name) {
        *index = i;
        return &e;
      }
    }
  }
  std::string singular(list, std::strlen(list) - 1);
  return Fail(Code::kNotFound, referrer, singular + " \"" + name + "\" not found in " + list);
}

Result<std::string> Resolver::String(const json& obj, const std::string& field_path, const char* key) const {
  if (!obj.contains(key) || obj[key].is_null()) return std::string();
  if (!obj[key].is_string()) return Fail(Code::kInvalid, field_path + "." + key, "must be a string");
  return obj[key].get<std::string>();
}

Result<std::string> Resolver::ReadReferenced(const std::string& field_path, const std::string& file) const {
  std::string full = file[0] == '/' ? file : dir_ + "/" + file;
  // Certificates, keys and tokens are small regular files: refuse devices and
  // FIFOs (which could block or never end) and anything implausibly large.
  constexpr uintmax_t kMaxReferencedBytes = 1 << 20;
  std::error_code ec;
  if (std::filesystem::exists(full, ec)) {  // a missing file gets open's error below
    if (!std::filesystem::is_regular_file(full, ec)) {
      return Fail(Code::kInvalid, field_path, "cannot read " + full + ": not a regular file");
    }
    if (std::filesystem::file_size(full, ec) > kMaxReferencedBytes) {
      return Fail(Code::kInvalid, field_path, "cannot read " + full + ": larger than 1 MiB");
    }
  }
  std::ifstream in(full, std::ios::binary);
  if (!in) return Fail(Code::kInvalid, field_path, "cannot read " + full + ": " + std::strerror(errno));
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Fail(Code::kInvalid, field_path, "cannot read " + full + ": " + std::strerror(errno));
  return ss.str();
}

Result<std::string> Resolver::DataOrFile(const json& obj, const std::string& base, const char* data_key,
                                         const char* file_key) const {
  Result<std::string> data = String(obj, base, data_key);
  if (!data.ok()) return data.status();
  Result<std::string> file = String(obj, base, file_key);
  if (!file.ok()) return file.status();
  if (!data->empty() && !file->empty()) {
    return Fail(Code::kInvalid, base, std::string(data_key) + " and " + file_key + " are both specified; use one");
  }
  if (!file->empty()) return ReadReferenced(base + "." + file_key, *file);
  if (data->empty()) return std::string();
  Base64Decoded decoded = Base64DecodeDetailed(*data);
  if (!decoded.data) return Fail(Code::kInvalid, base + "." + data_key, decoded.Error());
  return *decoded.data;
}

Status Resolver::ResolveCluster(const json& cluster, const std::string& base, Kubeconfig& out) const {
  if (!cluster.is_object()) return Fail(Code::kInvalid, base, "must be a mapping");
  for (const char* unsupported : {"tls-server-name", "proxy-url"}) {
    if (cluster.contains(unsupported)) return Fail(Code::kInvalid, base + "." + unsupported, "not supported by skiff");
  }
  Result<std::string> server = String(cluster, base, "server");
  if (!server.ok()) return server.status();
  if (server->empty()) return Fail(Code::kInvalid, base + ".server", "required");
  if (server->rfind("https://", 0) != 0 && server->rfind("http://", 0) != 0) {
    return Fail(Code::kInvalid, base + ".server", "must be an http:// or https:// URL, got \"" + *server + "\"");
  }
  out.server = *server;
  Result<std::string> ca = DataOrFile(cluster, base, "certificate-authority-data", "certificate-authority");
  if (!ca.ok()) return ca.status();
  out.ca_pem = *ca;
  if (cluster.contains("insecure-skip-tls-verify") && !cluster["insecure-skip-tls-verify"].is_null()) {
    if (!cluster["insecure-skip-tls-verify"].is_boolean()) {
      return Fail(Code::kInvalid, base + ".insecure-skip-tls-verify", "must be true or false");
    }
    out.insecure_skip_tls_verify = cluster["insecure-skip-tls-verify"].get<bool>();
  }
  if (out.insecure_skip_tls_verify && !out.ca_pem.empty()) {
    return Fail(Code::kInvalid, base + ".insecure-skip-tls-verify",
                "a certificate authority together with insecure-skip-tls-verify is not allowed");
  }
  return Status::Ok();
}

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

Status Resolver::ResolveUser(const json& user, const std::string& base, Kubeconfig& out) const {
  if (user.is_null()) return Status::Ok();  // a user with no credentials: anonymous
  if (!user.is_object()) return Fail(Code::kInvalid, base, "must be a mapping");
  for (const char* unsupported : {"exec", "auth-provider", "username", "password", "as"}) {
    if (user.contains(unsupported)) return Fail(Code::kInvalid, base + "." + unsupported, "not supported by skiff");
  }
  Result<std::string> token = String(user, base, "token");
  if (!token.ok()) return token.status();
  out.token = *token;
  Result<std::string> token_file = String(user, base, "token-file");
  if (!token_file.ok()) return token_file.status();
  if (!token_file->empty()) {
    Result<std::string> read = ReadReferenced(base + ".token-file", *token_file);
    if (!read.ok()) return read.status();
    out.token = Trim(*read);
    if (out.token.empty()) return Fail(Code::kInvalid, base + ".token-file", "file " + *token_file + " is empty");
  }
  Result<std::string> cert = DataOrFile(user, base, "client-certificate-data", "client-certificate");
  if (!cert.ok()) return cert.status();
  Result<std::string> key = DataOrFile(user, base, "client-key-data", "client-key");
  if (!key.ok()) return key.status();
  if (cert->empty() != key->empty()) {
    return Fail(Code::kInvalid, base,
                cert->empty() ? "client-key needs client-certificate or client-certificate-data"
                              : "client-certificate needs client-key or client-key-data");
  }
  out.client_cert_pem = *cert;
  out.client_key_pem = *key;
  return Status::Ok();
}

Result<Kubeconfig> Resolver::Resolve(const std::string& context_override) {
  Kubeconfig out;
  out.path = path_;
  Result<std::string> current = String(doc_, "", "current-context");
  if (!current.ok()) return Fail(Code::kInvalid, "current-context", "must be a string");
  out.context = context_override.empty() ? *current : context_override;
  const std::string context_field = context_override.empty() ? "current-context" : "context override";
  if (out.context.empty()) return Fail(Code::kNotFound, "current-context", "not set and no context given");

  size_t index = 0;
  Result<const json*> context_entry = Named("contexts", out.context, context_field, &index);
  if (!context_entry.ok()) return context_entry.status();
  std::string base = "contexts[" + std::to_string(index) + "].context";
  const json context = (*context_entry)->value("context", json());
  if (!context.is_object()) return Fail(Code::kInvalid, base, "must be a mapping");
  Result<std::string> cluster_name = String(context, base, "cluster");
  Result<std::string> user_name = String(context, base, "user");
  Result<std::string> ns = String(context, base, "namespace");
  if (!cluster_name.ok()) return cluster_name.status();
  if (!user_name.ok()) return user_name.status();
  if (!ns.ok()) return ns.status();
  if (cluster_name->empty()) return Fail(Code::kInvalid, base + ".cluster", "required");
  out.cluster = *cluster_name;
  out.user = *user_name;
  if (!ns->empty()) out.namespace_ = *ns;

  Result<const json*> cluster_entry = Named("clusters", out.cluster, base + ".cluster", &index);
  if (!cluster_entry.ok()) return cluster_entry.status();
  SKIFF_RETURN_IF_ERROR(ResolveCluster((*cluster_entry)->value("cluster", json()),
                                       "clusters[" + std::to_string(index) + "].cluster", out));
  if (out.user.empty()) return out;  // no user: anonymous requests
  Result<const json*> user_entry = Named("users", out.user, base + ".user", &index);
  if (!user_entry.ok()) return user_entry.status();
  SKIFF_RETURN_IF_ERROR(
      ResolveUser((*user_entry)->value("user", json()), "users[" + std::to_string(index) + "].user", out));
  return out;
}

bool IsFile(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace

Result<Kubeconfig> ParseKubeconfig(std::string_view yaml, const std::string& path,
                                   const std::string& context_override) {
  Result<std::vector<api::YamlDocument>> docs = api::ParseYamlDocuments(yaml, path);
  if (!docs.ok()) return Status(Code::kInvalid, "kubeconfig " + docs.status().message());
  if (docs->size() != 1) {
    return Status(Code::kInvalid, "kubeconfig " + path + ": want one YAML document, found " +
                                      std::to_string(docs->size()));
  }
  const json& doc = (*docs)[0].object;
  return Resolver(doc, path).Resolve(context_override);
}

Result<Kubeconfig> LoadKubeconfig(const std::string& path, const std::string& context_override) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    int err = errno;
    return Status(err == ENOENT ? Code::kNotFound : Code::kInvalid,
                  "kubeconfig " + path + ": cannot read: " + std::strerror(err), err);
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseKubeconfig(ss.str(), path, context_override);
}

Result<std::string> LocateKubeconfig(const std::string& flag) {
  if (!flag.empty()) return flag;
  const char* env = std::getenv("KUBECONFIG");
  if (env && *env) {
    std::stringstream list(env);
    std::string entry;
    while (std::getline(list, entry, ':')) {
      if (!entry.empty() && IsFile(entry)) return entry;
    }
    return Status::NotFound(std::string("no kubeconfig: no file of KUBECONFIG=") + env + " exists");
  }
  const char* home = std::getenv("HOME");
  if (!home || !*home) return Status::NotFound("no kubeconfig: --kubeconfig not given, KUBECONFIG and HOME unset");
  std::string fallback = std::string(home) + "/.kube/config";
  if (IsFile(fallback)) return fallback;
  return Status::NotFound("no kubeconfig: --kubeconfig not given, KUBECONFIG unset and " + fallback +
                          " does not exist");
}

}  // namespace skiff::client
