#include "api/protobuf/wire_decoder.h"

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdio>

#include "base/base64.h"

namespace skiff::api::protobuf_internal {
namespace {

using nlohmann::json;

constexpr uint32_t kWireVarint = 0;
constexpr uint32_t kWireLengthDelimited = 2;
// Far deeper than any Kubernetes object nests; bounds the recursion on any input.
constexpr int kMaxDepth = 32;
// metav1.Time's JSON form is limited to years 0000..9999, as in Go.
constexpr int64_t kMinTimeSeconds = -62167219200;  // 0000-01-01T00:00:00Z
constexpr int64_t kMaxTimeSeconds = 253402300799;  // 9999-12-31T23:59:59Z

// The small messages whose JSON form is a single value, and map entries.
const MessageSpec kIntOrString{"IntOrString",
                               {{1, "type", FieldKind::kInt64, {}, kAlways},
                                {2, "intVal", FieldKind::kInt32, {}, kAlways},
                                {3, "strVal", FieldKind::kString, {}, kAlways}}};
const MessageSpec kQuantity{"Quantity", {{1, "string", FieldKind::kString, {}, kAlways}}};
const MessageSpec kTime{
    "Time",
    {{1, "seconds", FieldKind::kInt64, {}, kAlways}, {2, "nanos", FieldKind::kInt32, {}, kAlways}}};
const MessageSpec kFieldsV1{"FieldsV1", {{1, "Raw", FieldKind::kString, {}, kAlways}}};
const MessageSpec kStringEntry{
    "map entry",
    {{1, "key", FieldKind::kString, {}, kAlways}, {2, "value", FieldKind::kString, {}, kAlways}}};
const MessageSpec kBytesEntry{
    "map entry",
    {{1, "key", FieldKind::kString, {}, kAlways}, {2, "value", FieldKind::kBytes, {}, kAlways}}};
const MessageSpec kQuantityEntry{
    "map entry",
    {{1, "key", FieldKind::kString, {}, kAlways}, {2, "value", FieldKind::kQuantity, {}, kAlways}}};

bool IsVarintKind(FieldKind kind) {
  return kind == FieldKind::kBool || kind == FieldKind::kInt32 || kind == FieldKind::kInt64;
}

bool IsMapKind(FieldKind kind) {
  return kind == FieldKind::kStringMap || kind == FieldKind::kBytesMap ||
         kind == FieldKind::kQuantityMap;
}

const MessageSpec& SpecialSpec(FieldKind kind) {
  switch (kind) {
    case FieldKind::kIntOrString:
      return kIntOrString;
    case FieldKind::kQuantity:
      return kQuantity;
    case FieldKind::kTime:
      return kTime;
    case FieldKind::kFieldsV1:
      return kFieldsV1;
    case FieldKind::kBytesMap:
      return kBytesEntry;
    case FieldKind::kQuantityMap:
      return kQuantityEntry;
    default:
      return kStringEntry;
  }
}

// Go's encoding/json "empty" test for the values a scalar field can hold.
bool IsZero(const json& value) {
  if (value.is_string()) return value.get_ref<const std::string&>().empty();
  if (value.is_boolean()) return !value.get<bool>();
  if (value.is_number_integer()) return value.get<int64_t>() == 0;
  return false;
}

bool IsValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    auto lead = static_cast<unsigned char>(s[i]);
    if (lead < 0x80) {
      ++i;
      continue;
    }
    size_t extra = 0;
    uint32_t code_point = 0;
    if ((lead & 0xE0) == 0xC0) {
      extra = 1, code_point = lead & 0x1F;
    } else if ((lead & 0xF0) == 0xE0) {
      extra = 2, code_point = lead & 0x0F;
    } else if ((lead & 0xF8) == 0xF0) {
      extra = 3, code_point = lead & 0x07;
    } else {
      return false;
    }
    if (i + extra >= s.size()) return false;
    for (size_t k = 1; k <= extra; ++k) {
      auto next = static_cast<unsigned char>(s[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      code_point = (code_point << 6) | (next & 0x3F);
    }
    static constexpr uint32_t kShortest[] = {0, 0x80, 0x800,
                                             0x10000};  // overlong forms are invalid
    if (code_point < kShortest[extra] || code_point > 0x10FFFF ||
        (code_point >= 0xD800 && code_point <= 0xDFFF)) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

// RFC 3339 in UTC with seconds, as metav1.Time writes it.
std::string FormatTime(int64_t seconds) {
  using namespace std::chrono;
  sys_seconds tp{std::chrono::seconds{seconds}};
  sys_days day = floor<days>(tp);
  year_month_day ymd{day};
  hh_mm_ss hms{tp - day};
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return text;
}

Status Problem(const std::string& path, std::string_view message, const std::string& what) {
  return Status::BadRequest("protobuf: " + path + " (" + std::string(message) + "): " + what);
}

// Sets, appends or (for an omitted zero) removes the field's JSON value.
void Store(const FieldSpec& field, json value, json& out) {
  std::string key(field.json_name);
  if (field.flags & kRepeated) {
    json& list = out[key];
    if (!list.is_array()) list = json::array();
    list.push_back(std::move(value));
    return;
  }
  if (value.is_null() || (IsZero(value) && !(field.flags & (kPointer | kAlways)))) {
    out.erase(key);
    return;
  }
  out[key] = std::move(value);
}

}  // namespace

WireDecoder::WireDecoder(std::string_view bytes)
    : in_(reinterpret_cast<const uint8_t*>(bytes.data()),
          static_cast<int>(std::min<size_t>(bytes.size(), INT_MAX))),
      size_(bytes.size()) {}

Status WireDecoder::Decode(const MessageSpec& spec, std::string_view path, json& out) {
  if (size_ > INT_MAX) return Status::BadRequest("protobuf: body too large");
  if (!out.is_object()) out = json::object();
  in_.PushLimit(static_cast<int>(size_));
  return DecodeFields(spec, std::string(path), 0, out);
}

Status WireDecoder::DecodeFields(const MessageSpec& spec, const std::string& path, int depth,
                                 json& out) {
  while (in_.BytesUntilLimit() > 0) {
    uint32_t tag = in_.ReadTag();
    if (tag == 0) return Problem(path, spec.name, "malformed field tag");
    uint32_t number = tag >> 3;
    uint32_t wire_type = tag & 7;
    field_number_ = number;
    const FieldSpec* field = spec.Field(number);
    if (field == nullptr) {
      return Problem(path, spec.name,
                     "unknown field number " + std::to_string(number) + " (wire type " +
                         std::to_string(wire_type) + ")");
    }
    SKIFF_RETURN_IF_ERROR(DecodeField(spec, *field, wire_type, path, depth, out));
  }
  return Status::Ok();
}

Status WireDecoder::DecodeField(const MessageSpec& spec, const FieldSpec& field, uint32_t wire_type,
                                const std::string& path, int depth, json& out) {
  const bool varint = IsVarintKind(field.kind);
  const bool packed = varint && (field.flags & kRepeated) && wire_type == kWireLengthDelimited;
  const uint32_t expected = varint ? kWireVarint : kWireLengthDelimited;
  if (wire_type != expected && !packed) {
    std::string name = field.json_name.empty() ? "" : " (" + std::string(field.json_name) + ")";
    return Problem(path, spec.name,
                   "field " + std::to_string(field.number) + name + " has wire type " +
                       std::to_string(wire_type) + ", expected " + std::to_string(expected));
  }
  if (varint || field.kind == FieldKind::kString || field.kind == FieldKind::kBytes) {
    return DecodeScalars(spec, field, packed, path, out);
  }
  return DecodeMessageField(spec, field, path, depth, out);
}

Status WireDecoder::DecodeScalars(const MessageSpec& spec, const FieldSpec& field, bool packed,
                                  const std::string& path, json& out) {
  int limit = -1;
  if (packed) {
    uint32_t length = 0;
    SKIFF_RETURN_IF_ERROR(ReadLength(path, spec.name, &length));
    limit = in_.PushLimit(static_cast<int>(length));
  }
  do {
    if (packed && in_.BytesUntilLimit() <= 0) break;  // an empty packed list
    Result<json> value = Scalar(field.kind, path, spec.name);
    if (!value.ok()) return value.status();
    Store(field, std::move(*value), out);
  } while (packed);
  if (packed) in_.PopLimit(limit);
  return Status::Ok();
}

Status WireDecoder::DecodeMessageField(const MessageSpec& spec, const FieldSpec& field,
                                       const std::string& path, int depth, json& out) {
  if (depth >= kMaxDepth) return Problem(path, spec.name, "messages nested too deeply");
  uint32_t length = 0;
  SKIFF_RETURN_IF_ERROR(ReadLength(path, spec.name, &length));
  const MessageSpec* nested =
      field.kind == FieldKind::kMessage ? FindMessage(field.message) : &SpecialSpec(field.kind);
  if (nested == nullptr) {
    return Status::Internal("protobuf: no table for message " + std::string(field.message));
  }
  const std::string key(field.json_name);
  std::string child_path = path + "." + key;
  json decoded = json::object();
  json* target = &decoded;
  if (field.kind == FieldKind::kMessage && (field.flags & kInline)) {
    target = &out;  // an embedded struct's fields belong to the parent object
    child_path = path;
  } else if (field.kind == FieldKind::kMessage && (field.flags & kRepeated)) {
    auto list = out.find(key);
    child_path += "[" + std::to_string(list != out.end() ? list->size() : 0) + "]";
  } else if (field.kind == FieldKind::kMessage) {
    json& existing = out[key];
    if (!existing.is_object()) existing = json::object();
    target = &existing;  // a message sent twice merges, as protobuf does
  }
  int limit = in_.PushLimit(static_cast<int>(length));
  Status status = DecodeFields(*nested, child_path, depth + 1, *target);
  in_.PopLimit(limit);
  SKIFF_RETURN_IF_ERROR(status);

  if (field.kind == FieldKind::kMessage) {
    if (field.flags & kRepeated) Store(field, std::move(decoded), out);
    return Status::Ok();
  }
  if (IsMapKind(field.kind)) {
    json& map = out[key];
    if (!map.is_object()) map = json::object();
    json zero = field.kind == FieldKind::kQuantityMap ? json("0") : json("");
    map[decoded.value("key", "")] = decoded.contains("value") ? decoded["value"] : zero;
    return Status::Ok();
  }
  Result<json> value = SpecialValue(field.kind, decoded, child_path, nested->name);
  if (!value.ok()) return value.status();
  Store(field, std::move(*value), out);
  return Status::Ok();
}

Result<json> WireDecoder::SpecialValue(FieldKind kind, const json& decoded, const std::string& path,
                                       std::string_view message) {
  switch (kind) {
    case FieldKind::kIntOrString: {
      int64_t type = decoded.value("type", int64_t{0});
      if (type == 0) return json(decoded.value("intVal", int64_t{0}));
      if (type == 1) return json(decoded.value("strVal", ""));
      return Problem(path, message,
                     "type " + std::to_string(type) + " is neither 0 (int) nor 1 (string)");
    }
    case FieldKind::kQuantity:
      // An empty message is the zero quantity, as in Go.
      return decoded.contains("string") ? decoded["string"] : json("0");
    case FieldKind::kTime: {
      // An empty message is the zero time, which Go writes as null; nanoseconds are
      // dropped as metav1.Time's protobuf reader drops them.
      if (decoded.empty()) return json(nullptr);
      int64_t seconds = decoded.value("seconds", int64_t{0});
      if (seconds < kMinTimeSeconds || seconds > kMaxTimeSeconds) {
        return Problem(path, message,
                       "seconds " + std::to_string(seconds) + " outside years 0-9999");
      }
      return json(FormatTime(seconds));
    }
    case FieldKind::kFieldsV1: {
      std::string raw = decoded.value("Raw", "");
      if (raw.empty()) return json(nullptr);
      json parsed = json::parse(raw, nullptr, /*allow_exceptions=*/false);
      if (parsed.is_discarded()) return Problem(path, message, "Raw is not JSON");
      return parsed;
    }
    default:
      return Status::Internal("protobuf: no JSON form for field kind");
  }
}

Result<json> WireDecoder::Scalar(FieldKind kind, const std::string& path,
                                 std::string_view message) {
  const std::string truncated =
      "field " + std::to_string(field_number_) + " is truncated or malformed";
  if (kind == FieldKind::kString || kind == FieldKind::kBytes) {
    uint32_t length = 0;
    SKIFF_RETURN_IF_ERROR(ReadLength(path, message, &length));
    std::string bytes;
    if (!in_.ReadString(&bytes, static_cast<int>(length))) return Problem(path, message, truncated);
    if (kind == FieldKind::kBytes) return json(Base64Encode(bytes));
    if (!IsValidUtf8(bytes)) {
      return Problem(path, message,
                     "field " + std::to_string(field_number_) + " is not valid UTF-8");
    }
    return json(std::move(bytes));
  }
  uint64_t raw = 0;
  if (!in_.ReadVarint64(&raw)) return Problem(path, message, truncated);
  if (kind == FieldKind::kBool) return json(raw != 0);
  auto value = static_cast<int64_t>(raw);
  if (kind == FieldKind::kInt32 && (value < INT32_MIN || value > INT32_MAX)) {
    return Problem(path, message,
                   "field " + std::to_string(field_number_) + " value " + std::to_string(value) +
                       " is out of range for int32");
  }
  return json(value);
}

Status WireDecoder::ReadLength(const std::string& path, std::string_view message,
                               uint32_t* length) {
  if (!in_.ReadVarint32(length) || static_cast<int64_t>(*length) > in_.BytesUntilLimit()) {
    return Problem(path, message,
                   "field " + std::to_string(field_number_) + " is truncated or malformed");
  }
  return Status::Ok();
}

}  // namespace skiff::api::protobuf_internal
