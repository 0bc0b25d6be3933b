// Namespace, Node, Endpoints, Event, ServiceAccount and Lease.
#include <set>
#include <string>

#include "api/validation/field_validators.h"
#include "api/validation/json_access.h"
#include "api/validation/kind_validators.h"
#include "api/validation/network.h"
#include "api/validation/object_meta.h"
#include "api/validation/quantity.h"

namespace skiff::api::validation {
namespace {

void Meta(const json& obj, bool namespaced, NameValidator name_fn, FieldErrors& errs) {
  ValidateObjectMeta(jsonx::Member(obj, "metadata"), namespaced, name_fn, FieldPath("metadata"),
                     errs);
}

void ValidateTaints(const json& taints, const FieldPath& path, FieldErrors& errs) {
  if (!taints.is_array()) {
    errs.push_back(WrongType(path, taints, "array"));
    return;
  }
  std::set<std::pair<std::string, std::string>> seen;
  for (size_t i = 0; i < taints.size(); ++i) {
    const json& t = taints[i];
    FieldPath p = path.Index(i);
    std::string key = jsonx::GetString(t, "key");
    if (key.empty()) {
      errs.push_back(Required(p.Child("key"), ""));
    } else {
      ValidateQualifiedName(key, p.Child("key"), errs);
    }
    std::string value = jsonx::GetString(t, "value");
    AppendInvalid(errs, p.Child("value"), value, IsValidLabelValue(value));
    std::string effect = jsonx::GetString(t, "effect");
    if (effect.empty()) {
      errs.push_back(Required(p.Child("effect"), ""));
    } else if (effect != "NoSchedule" && effect != "PreferNoSchedule" && effect != "NoExecute") {
      errs.push_back(NotSupported(p.Child("effect"), QuoteValue(effect),
                                  {"NoExecute", "NoSchedule", "PreferNoSchedule"}));
    }
    if (!seen.insert({key, effect}).second) {
      errs.push_back(
          Duplicate(p, "{\"key\":" + QuoteValue(key) + ",\"effect\":" + QuoteValue(effect) + "}"));
    }
  }
}

void ValidateResourceQuantities(const json& list, const FieldPath& path, FieldErrors& errs) {
  if (!list.is_object()) {
    errs.push_back(WrongType(path, list, "object"));
    return;
  }
  for (const auto& [name, q] : list.items()) {
    std::string text = QuantityText(q);
    auto value = QuantityValue(q);
    if (!value) {
      errs.push_back(Invalid(path.Key(name), QuoteValue(text), std::string(kQuantityFormatError)));
    } else if (*value < 0) {
      errs.push_back(Invalid(path.Key(name), QuoteValue(text), std::string(kNegativeError)));
    }
  }
}

void ValidateEndpointAddress(const json& addr, const FieldPath& p, FieldErrors& errs) {
  std::string ip = jsonx::GetString(addr, "ip");
  Messages ip_problems = IsValidIp(ip);
  AppendInvalid(errs, p.Child("ip"), ip, ip_problems);
  if (ip_problems.empty()) AppendInvalid(errs, p.Child("ip"), ip, NonSpecialIpProblems(ip));
  if (auto host = jsonx::GetOptString(addr, "hostname"); host && !host->empty()) {
    ValidateDns1123Label(*host, p.Child("hostname"), errs);
  }
  if (auto node = jsonx::GetOptString(addr, "nodeName")) {
    ValidateDns1123Subdomain(*node, p.Child("nodeName"), errs);
  }
}

}  // namespace

void ValidateNamespace(const json& obj, FieldErrors& errs) {
  Meta(obj, false, NameIsDns1123Label, errs);
  FieldPath fin_path = FieldPath("spec").Child("finalizers");
  if (const json* finalizers = jsonx::GetArray(jsonx::Member(obj, "spec"), "finalizers")) {
    for (const json& f : *finalizers) {
      std::string name = f.is_string() ? f.get<std::string>() : "";
      Messages msgs = IsQualifiedName(name);
      AppendInvalid(errs, fin_path, name, msgs);
      if (msgs.empty() && name.find('/') == std::string::npos && name != "kubernetes") {
        errs.push_back(NotSupported(fin_path, QuoteValue(name), {"kubernetes"}));
      }
    }
  }
  if (auto phase = jsonx::GetOptString(jsonx::Member(obj, "status"), "phase")) {
    if (!phase->empty() && *phase != "Active" && *phase != "Terminating") {
      errs.push_back(NotSupported(FieldPath("status").Child("phase"), QuoteValue(*phase),
                                  {"Active", "Terminating"}));
    }
  }
}

void ValidateNode(const json& obj, FieldErrors& errs) {
  Meta(obj, false, NameIsDns1123Subdomain, errs);
  const json& spec = jsonx::Member(obj, "spec");
  FieldPath spec_path("spec");
  if (const json* taints = jsonx::Get(spec, "taints")) {
    ValidateTaints(*taints, spec_path.Child("taints"), errs);
  }
  if (auto cidr = jsonx::GetOptString(spec, "podCIDR"); cidr && !cidr->empty()) {
    AppendInvalid(errs, spec_path.Child("podCIDR"), *cidr, IsValidCidr(*cidr));
  }
  if (const json* cidrs = jsonx::GetArray(spec, "podCIDRs")) {
    if (cidrs->size() > 2) {
      errs.push_back(Invalid(spec_path.Child("podCIDRs"), jsonx::Render(*cidrs),
                             "may specify no more than one CIDR for each IP family"));
    }
    for (size_t i = 0; i < cidrs->size(); ++i) {
      std::string c = (*cidrs)[i].is_string() ? (*cidrs)[i].get<std::string>() : "";
      AppendInvalid(errs, spec_path.Child("podCIDRs").Index(i), c, IsValidCidr(c));
    }
  }
  const json& status = jsonx::Member(obj, "status");
  for (const char* list : {"capacity", "allocatable"}) {
    if (const json* q = jsonx::Get(status, list)) {
      ValidateResourceQuantities(*q, FieldPath("status").Child(list), errs);
    }
  }
  if (const json* addresses = jsonx::GetArray(status, "addresses")) {
    for (size_t i = 0; i < addresses->size(); ++i) {
      FieldPath p = FieldPath("status").Child("addresses").Index(i);
      if (jsonx::GetString((*addresses)[i], "type").empty())
        errs.push_back(Required(p.Child("type"), ""));
      if (jsonx::GetString((*addresses)[i], "address").empty()) {
        errs.push_back(Required(p.Child("address"), ""));
      }
    }
  }
}

void ValidateEndpoints(const json& obj, FieldErrors& errs) {
  Meta(obj, true, NameIsDns1123Subdomain, errs);
  const json* subsets = jsonx::GetArray(obj, "subsets");
  if (!subsets) return;
  for (size_t i = 0; i < subsets->size(); ++i) {
    const json& ss = (*subsets)[i];
    FieldPath p = FieldPath("subsets").Index(i);
    size_t ready = jsonx::ArraySize(ss, "addresses");
    size_t not_ready = jsonx::ArraySize(ss, "notReadyAddresses");
    if (ready == 0 && not_ready == 0) {
      errs.push_back(Required(p, "must specify `addresses` or `notReadyAddresses`"));
    }
    for (const char* list : {"addresses", "notReadyAddresses"}) {
      const json* addrs = jsonx::GetArray(ss, list);
      for (size_t j = 0; addrs && j < addrs->size(); ++j) {
        ValidateEndpointAddress((*addrs)[j], p.Child(list).Index(j), errs);
      }
    }
    const json* ports = jsonx::GetArray(ss, "ports");
    size_t nports = ports ? ports->size() : 0;
    for (size_t j = 0; j < nports; ++j) {
      const json& port = (*ports)[j];
      FieldPath pp = p.Child("ports").Index(j);
      std::string name = jsonx::GetString(port, "name");
      if (nports > 1 && name.empty()) {
        errs.push_back(Required(pp.Child("name"), ""));
      } else if (!name.empty()) {
        ValidateDns1123Label(name, pp.Child("name"), errs);
      }
      auto number = jsonx::GetInt(port, "port").value_or(0);
      for (const auto& m : IsValidPortNum(number)) {
        errs.push_back(Invalid(pp.Child("port"), std::to_string(number), m));
      }
      if (auto protocol = jsonx::GetOptString(port, "protocol")) {
        if (*protocol != "TCP" && *protocol != "UDP" && *protocol != "SCTP") {
          errs.push_back(
              NotSupported(pp.Child("protocol"), QuoteValue(*protocol), {"SCTP", "TCP", "UDP"}));
        }
      }
    }
  }
}

void ValidateEvent(const json& obj, FieldErrors& errs) {
  Meta(obj, true, NameIsDns1123Subdomain, errs);
  const json& involved = jsonx::Member(obj, "involvedObject");
  std::string ns = jsonx::GetString(jsonx::Member(obj, "metadata"), "namespace");
  if (!involved.is_object()) {
    errs.push_back(Required(FieldPath("involvedObject"), ""));
  } else {
    std::string involved_ns = jsonx::GetString(involved, "namespace");
    bool new_style = !jsonx::GetString(obj, "eventTime").empty();
    bool mismatch = false;
    if (!new_style) {
      mismatch = involved_ns.empty() ? (!ns.empty() && ns != "default") : ns != involved_ns;
    } else {
      mismatch = involved_ns.empty() && ns != "default" && ns != "kube-system";
    }
    if (mismatch) {
      errs.push_back(Invalid(FieldPath("involvedObject").Child("namespace"),
                             QuoteValue(involved_ns), "does not match event.namespace"));
    }
  }
  if (!jsonx::GetString(obj, "eventTime").empty()) {
    std::string controller = jsonx::GetString(obj, "reportingComponent");
    if (controller.empty()) {
      errs.push_back(Required(FieldPath("reportingComponent"), ""));
    } else {
      ValidateQualifiedName(controller, FieldPath("reportingComponent"), errs);
    }
    if (jsonx::GetString(obj, "reportingInstance").empty()) {
      errs.push_back(Required(FieldPath("reportingInstance"), ""));
    }
    if (jsonx::GetString(obj, "action").empty()) errs.push_back(Required(FieldPath("action"), ""));
    if (jsonx::GetString(obj, "reason").empty()) errs.push_back(Required(FieldPath("reason"), ""));
  }
  if (auto count = jsonx::GetInt(obj, "count"))
    ValidateNonnegative(*count, FieldPath("count"), errs);
  if (auto type = jsonx::GetOptString(obj, "type");
      type && !type->empty() && *type != "Normal" && *type != "Warning") {
    errs.push_back(NotSupported(FieldPath("type"), QuoteValue(*type), {"Normal", "Warning"}));
  }
}

void ValidateServiceAccount(const json& obj, FieldErrors& errs) {
  Meta(obj, true, NameIsDns1123Subdomain, errs);
  for (const char* list : {"secrets", "imagePullSecrets"}) {
    const json* refs = jsonx::GetArray(obj, list);
    for (size_t i = 0; refs && i < refs->size(); ++i) {
      if (jsonx::GetString((*refs)[i], "name").empty()) {
        errs.push_back(Required(FieldPath(list).Index(i).Child("name"), ""));
      }
    }
  }
}

void ValidateLease(const json& obj, FieldErrors& errs) {
  Meta(obj, true, NameIsDns1123Subdomain, errs);
  const json& spec = jsonx::Member(obj, "spec");
  FieldPath path("spec");
  CheckString(spec, "holderIdentity", path.Child("holderIdentity"), errs);
  if (auto d = CheckInt(spec, "leaseDurationSeconds", path.Child("leaseDurationSeconds"), errs);
      d && *d <= 0) {
    errs.push_back(
        Invalid(path.Child("leaseDurationSeconds"), std::to_string(*d), "must be greater than 0"));
  }
  if (auto t = CheckInt(spec, "leaseTransitions", path.Child("leaseTransitions"), errs)) {
    ValidateNonnegative(*t, path.Child("leaseTransitions"), errs);
  }
  auto strategy = CheckString(spec, "strategy", path.Child("strategy"), errs);
  if (strategy && !strategy->empty() && *strategy != "OldestEmulationVersion") {
    errs.push_back(
        NotSupported(path.Child("strategy"), QuoteValue(*strategy), {"OldestEmulationVersion"}));
  }
  auto preferred = CheckString(spec, "preferredHolder", path.Child("preferredHolder"), errs);
  if (preferred && !preferred->empty() && (!strategy || strategy->empty())) {
    errs.push_back(
        Forbidden(path.Child("preferredHolder"), "may only be specified if `strategy` is defined"));
  }
}

}  // namespace skiff::api::validation
