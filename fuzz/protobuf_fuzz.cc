// Fuzz target: api::DecodeKubernetesProtobuf on arbitrary bytes (the
// application/vnd.kubernetes.protobuf bodies kubectl sends). Whatever it
// decodes then goes through strict api::Decode, as the API server does.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "api/decode.h"
#include "api/protobuf/decode_protobuf.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto object = skiff::api::DecodeKubernetesProtobuf(body);
  if (!object.ok()) return 0;
  auto decoded = skiff::api::Decode(*object, skiff::api::FieldValidation::kStrict);
  (void)decoded;
  return 0;
}
