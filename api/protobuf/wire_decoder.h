// Internal to api/protobuf: walks protobuf wire-format bytes against the
// message tables (message_table.h) and writes the JSON the JSON API carries.
//
// The bytes are read with libprotobuf's CodedInputStream. JSON follows what Go's
// encoding/json writes for the decoded Kubernetes struct: zero scalars without a
// pointer or omitempty-free tag are left out; nested messages, repeated elements
// and map values are kept whatever their value; an empty Time is the zero time
// and is left out. Every failure is a BadRequest whose message names the JSON
// path and the message type, e.g.
//   protobuf: Deployment.spec.template.spec (PodSpec): unknown field number 99 (wire type 2)
//   protobuf: ConfigMap.metadata (ObjectMeta): field 11 is truncated or malformed
// Input of any shape fails cleanly; nothing is dropped silently. A WireDecoder
// reads one buffer once and is not thread-safe; separate decoders are independent.
#pragma once

#include <google/protobuf/io/coded_stream.h>

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "api/protobuf/message_table.h"
#include "base/status.h"

namespace skiff::api::protobuf_internal {

class WireDecoder {
 public:
  // `bytes` must outlive the decoder.
  explicit WireDecoder(std::string_view bytes);

  // Decodes the whole buffer as one `spec` message into the JSON object `out`.
  // `path` names the message in errors ("Deployment"). On error `out` holds a
  // partial result the caller must discard.
  Status Decode(const MessageSpec& spec, std::string_view path, nlohmann::json& out);

 private:
  Status DecodeFields(const MessageSpec& spec, const std::string& path, int depth,
                      nlohmann::json& out);
  Status DecodeField(const MessageSpec& spec, const FieldSpec& field, uint32_t wire_type,
                     const std::string& path, int depth, nlohmann::json& out);
  // One string, bytes or varint value, or (packed) a run of varints.
  Status DecodeScalars(const MessageSpec& spec, const FieldSpec& field, bool packed,
                       const std::string& path, nlohmann::json& out);
  // A nested message, or a value (IntOrString, Quantity, Time, FieldsV1, map entry)
  // sent as one: limits the stream to its length and decodes its fields.
  Status DecodeMessageField(const MessageSpec& spec, const FieldSpec& field,
                            const std::string& path, int depth, nlohmann::json& out);
  // The JSON value of a decoded IntOrString, Quantity, Time or FieldsV1 message.
  Result<nlohmann::json> SpecialValue(FieldKind kind, const nlohmann::json& decoded,
                                      const std::string& path, std::string_view message);
  // A string, bytes or varint value at the read position.
  Result<nlohmann::json> Scalar(FieldKind kind, const std::string& path, std::string_view message);
  // The length of a length-delimited field; fails past the end of the enclosing message.
  Status ReadLength(const std::string& path, std::string_view message, uint32_t* length);

  google::protobuf::io::CodedInputStream in_;
  size_t size_;
  uint32_t field_number_ = 0;  // of the field being read, for error messages
};

}  // namespace skiff::api::protobuf_internal
