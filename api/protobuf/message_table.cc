#include "api/protobuf/message_table.h"

#include <set>
#include <unordered_map>

namespace skiff::api::protobuf_internal {
namespace {

using Index = std::unordered_map<std::string_view, const MessageSpec*>;

const Index& MessageIndex() {
  static const Index kIndex = [] {
    Index index;
    for (const auto* table :
         {&MetaMessages(), &AppsMessages(), &CoreObjectMessages(), &CorePodMessages(),
          &CoreContainerMessages(), &CoreVolumeMessages()}) {
      for (const MessageSpec& message : *table) index.emplace(message.name, &message);
    }
    return index;
  }();
  return kIndex;
}

}  // namespace

const FieldSpec* MessageSpec::Field(uint32_t number) const {
  for (const FieldSpec& field : fields) {
    if (field.number == number) return &field;
  }
  return nullptr;
}

const MessageSpec* FindMessage(std::string_view name) {
  auto it = MessageIndex().find(name);
  return it == MessageIndex().end() ? nullptr : it->second;
}

std::vector<std::string> TableProblems() {
  std::vector<std::string> problems;
  size_t defined = 0;
  for (const auto* table : {&MetaMessages(), &AppsMessages(), &CoreObjectMessages(),
                            &CorePodMessages(), &CoreContainerMessages(), &CoreVolumeMessages()}) {
    defined += table->size();
    for (const MessageSpec& message : *table) {
      std::set<uint32_t> numbers;
      std::set<std::string_view> names;
      for (const FieldSpec& field : message.fields) {
        std::string where = std::string(message.name) + " field " + std::to_string(field.number);
        if (!numbers.insert(field.number).second) problems.push_back(where + ": number used twice");
        bool inlined = (field.flags & kInline) != 0;
        if (inlined != field.json_name.empty())
          problems.push_back(where + ": inline iff no JSON name");
        if (!inlined && !names.insert(field.json_name).second) {
          problems.push_back(where + ": JSON name used twice");
        }
        if ((field.kind == FieldKind::kMessage) != !field.message.empty()) {
          problems.push_back(where + ": a message name belongs to kMessage fields only");
        }
        if (field.kind == FieldKind::kMessage && FindMessage(field.message) == nullptr) {
          problems.push_back(where + ": undefined message " + std::string(field.message));
        }
        if (inlined && field.kind != FieldKind::kMessage)
          problems.push_back(where + ": inline scalar");
      }
    }
  }
  if (defined != MessageIndex().size()) problems.push_back("a message name is defined twice");
  return problems;
}

}  // namespace skiff::api::protobuf_internal
