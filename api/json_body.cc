#include "api/json_body.h"

#include <algorithm>
#include <utility>

#include "api/utf8.h"

namespace skiff::api {
namespace {

using nlohmann::json;

// Builds the document from SAX events as nlohmann's own DOM builder does, and
// stops at the first object or array past the depth limit, before building it.
class BoundedBuilder : public nlohmann::json_sax<json> {
 public:
  bool null() override { return Put(json(nullptr)); }
  bool boolean(bool v) override { return Put(json(v)); }
  bool number_integer(number_integer_t v) override { return Put(json(v)); }
  bool number_unsigned(number_unsigned_t v) override { return Put(json(v)); }
  bool number_float(number_float_t v, const string_t&) override { return Put(json(v)); }
  bool string(string_t& v) override { return Put(json(std::move(v))); }
  bool binary(binary_t& v) override { return Put(json::binary(std::move(v))); }

  bool start_object(std::size_t) override { return Open(json::object()); }
  bool start_array(std::size_t) override { return Open(json::array()); }
  bool end_object() override { return Close(); }
  bool end_array() override { return Close(); }

  bool key(string_t& k) override {
    json& object = *frames_.back().value;
    if (object.contains(k)) duplicates_.push_back(PathWith(k));
    frames_.back().key = k;
    pending_ = &object[k];
    return true;
  }

  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& e) override {
    error_position_ = position;
    error_ = e.what();
    return false;
  }

  json& root() { return root_; }
  bool too_deep() const { return too_deep_; }
  const std::string& error() const { return error_; }
  size_t error_position() const { return error_position_; }
  std::vector<std::string>& duplicates() { return duplicates_; }

 private:
  struct Frame {
    json* value;
    std::string key;  // the current key of an object
  };

  // Where the next value goes: the root, the pending object member, or the end
  // of the innermost array.
  json* Slot() {
    if (frames_.empty()) return &root_;
    json& parent = *frames_.back().value;
    if (parent.is_array()) {
      parent.push_back(nullptr);
      return &parent.back();
    }
    return pending_;
  }

  bool Put(json v) {
    *Slot() = std::move(v);
    return true;
  }

  bool Open(json empty) {
    if (frames_.size() >= static_cast<size_t>(kMaxNestingDepth)) {
      too_deep_ = true;
      return false;
    }
    json* slot = Slot();
    *slot = std::move(empty);
    frames_.push_back({slot, {}});
    return true;
  }

  bool Close() {
    frames_.pop_back();
    return true;
  }

  std::string PathWith(const std::string& key) const {
    std::string path;
    for (size_t i = 0; i + 1 < frames_.size(); ++i) {
      const json& value = *frames_[i].value;
      if (value.is_array()) {
        path += "[" + std::to_string(value.size() - 1) + "]";
      } else {
        if (!path.empty()) path += ".";
        path += frames_[i].key;
      }
    }
    if (!path.empty()) path += ".";
    return path + key;
  }

  json root_;
  std::vector<Frame> frames_;
  json* pending_ = nullptr;
  bool too_deep_ = false;
  std::string error_;
  size_t error_position_ = 0;
  std::vector<std::string> duplicates_;
};

std::string LineAndColumn(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  int line = 1, column = 1;
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

}  // namespace

std::string TooDeepMessage(std::string_view what) {
  return std::string(what) + " nests objects and arrays more than " +
         std::to_string(kMaxNestingDepth) + " levels deep (the limit)";
}

Result<JsonBody> ParseJsonBody(std::string_view body) {
  std::string replaced;
  if (!IsValidUtf8(body)) {
    replaced = ReplaceInvalidUtf8(body);
    body = replaced;
  }
  BoundedBuilder builder;
  bool ok = false;
  try {
    ok = json::sax_parse(body.begin(), body.end(), &builder);
  } catch (const json::exception& e) {
    return Status::BadRequest(std::string("json parse error: ") + e.what());
  }
  if (builder.too_deep())
    return Status::BadRequest("json parse error: " + TooDeepMessage("the document"));
  if (!ok) {
    // The position is the 1-based offset of the byte where parsing stopped.
    size_t position = builder.error_position();
    std::string what = builder.error();
    // nlohmann prefixes "[json.exception.parse_error.101] parse error at line 1, column 2: ".
    if (size_t colon = what.find(": "); colon != std::string::npos) what = what.substr(colon + 2);
    return Status::BadRequest("json parse error at " +
                              LineAndColumn(body, position == 0 ? 0 : position - 1) + ": " +
                              ReplaceInvalidUtf8(what));
  }
  return JsonBody{std::move(builder.root()), std::move(builder.duplicates())};
}

int NestingDepth(const json& value) {
  int deepest = 0;
  std::vector<std::pair<const json*, int>> pending = {{&value, 0}};
  while (!pending.empty()) {
    auto [v, depth] = pending.back();
    pending.pop_back();
    if (!v->is_structured()) continue;
    deepest = std::max(deepest, depth + 1);
    for (const json& child : *v) pending.emplace_back(&child, depth + 1);
  }
  return deepest;
}

std::string DumpJson(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

Status CheckNestingDepth(const json& value, std::string_view what) {
  if (NestingDepth(value) <= kMaxNestingDepth) return Status::Ok();
  return Status::BadRequest(TooDeepMessage(what));
}

}  // namespace skiff::api
