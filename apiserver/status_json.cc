#include "apiserver/status_json.h"

namespace skiff::apiserver {

nlohmann::json StatusToJson(const Status& status, std::string_view name, std::string_view group,
                            std::string_view kind) {
  nlohmann::json body = {{"kind", "Status"},
                         {"apiVersion", "v1"},
                         {"metadata", nlohmann::json::object()},
                         {"status", status.ok() ? "Success" : "Failure"},
                         {"message", status.message()},
                         {"reason", std::string(ReasonOf(status.code()))},
                         {"code", HttpCode(status.code())}};
  nlohmann::json details = nlohmann::json::object();
  if (!name.empty()) details["name"] = name;
  if (!group.empty()) details["group"] = group;
  if (!kind.empty()) details["kind"] = kind;
  if (!status.causes().empty()) {
    nlohmann::json causes = nlohmann::json::array();
    for (const auto& c : status.causes()) {
      causes.push_back({{"reason", c.type}, {"message", c.message}, {"field", c.field}});
    }
    details["causes"] = std::move(causes);
  }
  if (!details.empty()) body["details"] = std::move(details);
  return body;
}

}  // namespace skiff::apiserver
