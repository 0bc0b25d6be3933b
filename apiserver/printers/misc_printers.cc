// The small kinds:
//   Namespace: NAME STATUS AGE              ConfigMap: NAME DATA AGE
//   Secret: NAME TYPE DATA AGE              ServiceAccount: NAME SECRETS AGE
//   Lease: NAME HOLDER AGE                  any other kind: NAME AGE
// DATA counts keys (data + binaryData for a ConfigMap; data + stringData for a
// Secret, since upstream folds stringData into data before printing).
#include <set>

#include "apiserver/printers/printer.h"

namespace skiff::apiserver::printers {
namespace {

using nlohmann::json;

PrintedRow PrintNamespace(const json& ns, const PrintContext& ctx) {
  std::string phase = Str(Obj(ns, "status"), "phase");
  // Every namespace is created Active; a stored one without a phase is too.
  if (phase.empty()) phase = "Active";
  return {{NameOf(ns), phase, AgeOf(ns, ctx.clock)}, nullptr};
}

PrintedRow PrintConfigMap(const json& cm, const PrintContext& ctx) {
  return {{NameOf(cm), Count(cm, "data") + Count(cm, "binaryData"), AgeOf(cm, ctx.clock)}, nullptr};
}

int64_t SecretDataCount(const json& secret) {
  std::set<std::string> keys;
  for (std::string_view field : {"data", "stringData"}) {
    const json& m = Obj(secret, field);
    for (auto it = m.begin(); it != m.end(); ++it) keys.insert(it.key());
  }
  return static_cast<int64_t>(keys.size());
}

PrintedRow PrintSecret(const json& secret, const PrintContext& ctx) {
  std::string type = Str(secret, "type");
  if (Find(secret, "type") == nullptr) type = "Opaque";  // the API default
  return {{NameOf(secret), type, SecretDataCount(secret), AgeOf(secret, ctx.clock)}, nullptr};
}

PrintedRow PrintServiceAccount(const json& sa, const PrintContext& ctx) {
  return {{NameOf(sa), Count(sa, "secrets"), AgeOf(sa, ctx.clock)}, nullptr};
}

PrintedRow PrintLease(const json& lease, const PrintContext& ctx) {
  return {{NameOf(lease), Str(Obj(lease, "spec"), "holderIdentity"), AgeOf(lease, ctx.clock)},
          nullptr};
}

PrintedRow PrintDefault(const json& obj, const PrintContext& ctx) {
  return {{NameOf(obj), AgeOf(obj, ctx.clock)}, nullptr};
}

}  // namespace

KindPrinter NamespacePrinter() {
  return {{NameColumn(), {"Status", "string", "", "The status of the namespace", 0}, AgeColumn()},
          PrintNamespace};
}

KindPrinter ConfigMapPrinter() {
  return {{NameColumn(),
           {"Data", "string", "", "Data contains the configuration data.", 0},
           AgeColumn()},
          PrintConfigMap};
}

KindPrinter SecretPrinter() {
  return {{NameColumn(),
           {"Type", "string", "", "Used to facilitate programmatic handling of secret data.", 0},
           {"Data", "string", "", "Data contains the secret data.", 0},
           AgeColumn()},
          PrintSecret};
}

KindPrinter ServiceAccountPrinter() {
  return {{NameColumn(),
           {"Secrets", "string", "",
            "Secrets is a list of the secrets in the same namespace that pods running using this "
            "ServiceAccount are allowed to use.",
            0},
           AgeColumn()},
          PrintServiceAccount};
}

KindPrinter LeasePrinter() {
  return {{NameColumn(),
           {"Holder", "string", "",
            "holderIdentity contains the identity of the holder of a current lease.", 0},
           AgeColumn()},
          PrintLease};
}

KindPrinter DefaultPrinter() { return {{NameColumn(), AgeColumn()}, PrintDefault}; }

}  // namespace skiff::apiserver::printers
