// Internal to api/protobuf: the table that says how each Kubernetes protobuf
// message maps to JSON.
//
// Each MessageSpec lists its fields by protobuf field number with the JSON name
// the same field has in the JSON API, a FieldKind that fixes both the wire type
// expected and how the value is written as JSON, and flags carrying what the Go
// types say: repeated, a pointer (present on the wire means set, even when zero),
// an embedded struct (its fields are inlined into the parent's JSON object), or a
// field Go's JSON encoder writes even when it is zero (no omitempty).
//
// The tables are split by area into *_messages.cc beside this header. They are
// immutable after first use; every function here is thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace skiff::api::protobuf_internal {

enum class FieldKind {
  kString,       // wire type 2, UTF-8 → JSON string
  kBytes,        // wire type 2 → base64 JSON string
  kBool,         // varint → true/false
  kInt32,        // varint (negative numbers sign-extended to 64 bits)
  kInt64,        // varint
  kMessage,      // wire type 2, the nested message named by FieldSpec::message
  kIntOrString,  // intstr.IntOrString {1 type, 2 intVal, 3 strVal} → number or string
  kQuantity,     // resource.Quantity {1 string} → string
  kTime,         // meta/v1 Time {1 seconds, 2 nanos} → RFC 3339 string, seconds precision
  kFieldsV1,     // meta/v1 FieldsV1 {1 Raw JSON bytes} → the JSON object
  kStringMap,    // repeated entries {1 key, 2 string} → object of strings
  kBytesMap,     // repeated entries {1 key, 2 bytes} → object of base64 strings
  kQuantityMap,  // repeated entries {1 key, 2 Quantity} → object of quantity strings
};

inline constexpr unsigned kRepeated = 1;  // JSON array; every element kept, zero or not
inline constexpr unsigned kPointer = 2;   // Go pointer: presence is meaningful, zero kept
inline constexpr unsigned kInline = 4;    // embedded struct (json:",inline"): no own key
inline constexpr unsigned kAlways = 8;    // Go writes it without omitempty: zero kept

struct FieldSpec {
  uint32_t number;
  std::string_view json_name;  // empty for kInline
  FieldKind kind;
  std::string_view message = {};  // for kMessage: the nested message's name
  unsigned flags = 0;
};

struct MessageSpec {
  std::string_view name;
  std::vector<FieldSpec> fields;

  // The field with this number, or nullptr.
  const FieldSpec* Field(uint32_t number) const;
};

// The message with this name (as in generated.proto, without package), or nullptr.
const MessageSpec* FindMessage(std::string_view name);

// Problems in the tables (a field naming a message that is not defined, a field
// number used twice); a test keeps this empty.
std::vector<std::string> TableProblems();

// One function per table file.
const std::vector<MessageSpec>& MetaMessages();
const std::vector<MessageSpec>& AppsMessages();
const std::vector<MessageSpec>& CoreObjectMessages();
const std::vector<MessageSpec>& CorePodMessages();
const std::vector<MessageSpec>& CoreContainerMessages();
const std::vector<MessageSpec>& CoreVolumeMessages();

}  // namespace skiff::api::protobuf_internal
