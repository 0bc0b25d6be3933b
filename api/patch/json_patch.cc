// RFC 6902 JSON patch, with RFC 6901 JSON pointers.
#include <string>
#include <string_view>
#include <vector>

#include "api/json_body.h"
#include "api/patch/patch.h"

namespace skiff::api {
namespace {

using nlohmann::json;

enum class OpKind { kAdd, kRemove, kReplace, kMove, kCopy, kTest };

struct Operation {
  OpKind kind = OpKind::kAdd;
  std::string op;    // as written, for messages
  std::string path;  // as written
  std::vector<std::string> path_tokens;
  std::string from;
  std::vector<std::string> from_tokens;
  json value;
};

// RFC 6901: "" is the whole document; otherwise "/" separated tokens with
// "~1" for "/" and "~0" for "~". Any other "~" escape is an error.
bool ParsePointer(std::string_view text, std::vector<std::string>* tokens, std::string* error) {
  tokens->clear();
  if (text.empty()) return true;
  if (text.front() != '/') {
    *error = "a JSON pointer must be empty or start with \"/\"";
    return false;
  }
  std::string token;
  for (size_t i = 1; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == '/') {
      tokens->push_back(std::move(token));
      token.clear();
      continue;
    }
    if (text[i] != '~') {
      token += text[i];
      continue;
    }
    if (i + 1 < text.size() && (text[i + 1] == '0' || text[i + 1] == '1')) {
      token += text[i + 1] == '0' ? '~' : '/';
      ++i;
      continue;
    }
    *error = "invalid escape in JSON pointer (only ~0 and ~1 are allowed)";
    return false;
  }
  return true;
}

// An array index token: "0" or digits without a leading zero.
bool ParseIndex(const std::string& token, size_t* index) {
  if (token.empty() || token.size() > 18) return false;
  if (token.size() > 1 && token[0] == '0') return false;
  size_t v = 0;
  for (char c : token) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<size_t>(c - '0');
  }
  *index = v;
  return true;
}

std::string Unparse(const std::vector<std::string>& tokens, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out += '/';
    for (char c : tokens[i]) {
      if (c == '~') {
        out += "~0";
      } else if (c == '/') {
        out += "~1";
      } else {
        out += c;
      }
    }
  }
  return out;
}

// The value at the first n tokens, or nullptr with *error set.
json* Walk(json& doc, const std::vector<std::string>& tokens, size_t n, std::string* error) {
  json* cur = &doc;
  for (size_t i = 0; i < n; ++i) {
    const std::string& t = tokens[i];
    if (cur->is_object()) {
      auto it = cur->find(t);
      if (it == cur->end()) {
        *error = "\"" + Unparse(tokens, i + 1) + "\" does not exist";
        return nullptr;
      }
      cur = &*it;
    } else if (cur->is_array()) {
      size_t idx = 0;
      if (!ParseIndex(t, &idx) || idx >= cur->size()) {
        *error = "\"" + Unparse(tokens, i + 1) + "\": no array element at index \"" + t +
                 "\" (size " + std::to_string(cur->size()) + ")";
        return nullptr;
      }
      cur = &(*cur)[idx];
    } else {
      *error =
          "\"" + Unparse(tokens, i) + "\" is a " + cur->type_name() + ", not an object or array";
      return nullptr;
    }
  }
  return cur;
}

bool Add(json& doc, const std::vector<std::string>& tokens, json value, std::string* error) {
  if (tokens.empty()) {
    doc = std::move(value);
    return true;
  }
  json* parent = Walk(doc, tokens, tokens.size() - 1, error);
  if (parent == nullptr) return false;
  const std::string& last = tokens.back();
  if (parent->is_object()) {
    (*parent)[last] = std::move(value);
    return true;
  }
  if (parent->is_array()) {
    size_t idx = parent->size();
    if (last != "-" && (!ParseIndex(last, &idx) || idx > parent->size())) {
      *error = "index \"" + last + "\" is out of range for an array of size " +
               std::to_string(parent->size());
      return false;
    }
    parent->insert(parent->begin() + static_cast<std::ptrdiff_t>(idx), std::move(value));
    return true;
  }
  *error = "\"" + Unparse(tokens, tokens.size() - 1) + "\" is a " + parent->type_name() +
           ", not an object or array";
  return false;
}

bool Remove(json& doc, const std::vector<std::string>& tokens, std::string* error) {
  if (tokens.empty()) {
    *error = "cannot remove the whole document";
    return false;
  }
  json* parent = Walk(doc, tokens, tokens.size() - 1, error);
  if (parent == nullptr) return false;
  const std::string& last = tokens.back();
  if (parent->is_object()) {
    if (parent->erase(last) == 0) {
      *error = "\"" + Unparse(tokens, tokens.size()) + "\" does not exist";
      return false;
    }
    return true;
  }
  if (parent->is_array()) {
    size_t idx = 0;
    if (!ParseIndex(last, &idx) || idx >= parent->size()) {
      *error = "index \"" + last + "\" is out of range for an array of size " +
               std::to_string(parent->size());
      return false;
    }
    parent->erase(idx);
    return true;
  }
  *error = "\"" + Unparse(tokens, tokens.size() - 1) + "\" is a " + parent->type_name() +
           ", not an object or array";
  return false;
}

bool Apply(json& doc, const Operation& op, std::string* error) {
  switch (op.kind) {
    case OpKind::kAdd:
      return Add(doc, op.path_tokens, op.value, error);
    case OpKind::kRemove:
      return Remove(doc, op.path_tokens, error);
    case OpKind::kReplace: {
      json* target = Walk(doc, op.path_tokens, op.path_tokens.size(), error);
      if (target == nullptr) return false;
      *target = op.value;
      return true;
    }
    case OpKind::kMove: {
      json* source = Walk(doc, op.from_tokens, op.from_tokens.size(), error);
      if (source == nullptr) return false;
      if (op.from == op.path) return true;
      if (op.path.size() > op.from.size() && op.path.compare(0, op.from.size(), op.from) == 0 &&
          op.path[op.from.size()] == '/') {
        *error = "cannot move \"" + op.from + "\" into its own child \"" + op.path + "\"";
        return false;
      }
      json value = std::move(*source);
      if (!Remove(doc, op.from_tokens, error)) return false;
      return Add(doc, op.path_tokens, std::move(value), error);
    }
    case OpKind::kCopy: {
      json* source = Walk(doc, op.from_tokens, op.from_tokens.size(), error);
      if (source == nullptr) return false;
      json value = *source;
      return Add(doc, op.path_tokens, std::move(value), error);
    }
    case OpKind::kTest: {
      json* target = Walk(doc, op.path_tokens, op.path_tokens.size(), error);
      if (target == nullptr) return false;
      if (*target != op.value) {
        *error =
            "test failed: \"" + op.path + "\" is " + target->dump() + ", not " + op.value.dump();
        return false;
      }
      return true;
    }
  }
  return false;
}

// About the bytes of value's JSON text, counted without recursion.
uint64_t ApproximateSize(const json& value) {
  uint64_t size = 0;
  std::vector<const json*> pending = {&value};
  while (!pending.empty()) {
    const json* v = pending.back();
    pending.pop_back();
    size += 4;
    if (v->is_string()) size += v->get_ref<const std::string&>().size();
    if (v->is_object()) {
      for (auto it = v->begin(); it != v->end(); ++it) {
        size += it.key().size() + 4;
        pending.push_back(&it.value());
      }
    } else if (v->is_array()) {
      for (const json& item : *v) pending.push_back(&item);
    }
  }
  return size;
}

// Before op i is applied: the value it puts in place may not make the document
// nest past kMaxNestingDepth (every op of a long patch may add a level of its
// own), and copies may not add more than kMaxJsonPatchCopyBytes in all (each copy
// of the document into itself doubles it).
Status CheckGrowth(json& doc, const Operation& op, size_t i, uint64_t* copied) {
  const json* value = &op.value;
  if (op.kind == OpKind::kCopy || op.kind == OpKind::kMove) {
    std::string ignored;
    value = Walk(doc, op.from_tokens, op.from_tokens.size(), &ignored);
    if (value == nullptr) return Status::Ok();  // Apply reports it
  } else if (op.kind != OpKind::kAdd && op.kind != OpKind::kReplace) {
    return Status::Ok();
  }
  std::string where = "patch[" + std::to_string(i) + "] (" + op.op + " \"" + op.path + "\"): ";
  if (static_cast<int>(op.path_tokens.size()) + NestingDepth(*value) > kMaxNestingDepth) {
    return Status::BadRequest(where + TooDeepMessage("the patched object"));
  }
  if (op.kind == OpKind::kCopy) {
    *copied += ApproximateSize(*value);
    if (*copied > kMaxJsonPatchCopyBytes) {
      return Status(Code::kTooLarge, where + "copies add more than " +
                                         std::to_string(kMaxJsonPatchCopyBytes) +
                                         " bytes to the object (the limit)");
    }
  }
  return Status::Ok();
}

Status BadOp(size_t i, std::string_view member, std::string_view what) {
  std::string where = "patch[" + std::to_string(i) + "]";
  if (!member.empty()) where += "." + std::string(member);
  return Status::BadRequest(where + ": " + std::string(what));
}

Result<Operation> DecodeOperation(const json& raw, size_t i) {
  if (!raw.is_object())
    return BadOp(i, "", std::string("an operation must be an object, got ") + raw.type_name());
  Operation op;
  auto op_it = raw.find("op");
  if (op_it == raw.end() || !op_it->is_string()) return BadOp(i, "op", "required string");
  op.op = op_it->get<std::string>();
  if (op.op == "add") {
    op.kind = OpKind::kAdd;
  } else if (op.op == "remove") {
    op.kind = OpKind::kRemove;
  } else if (op.op == "replace") {
    op.kind = OpKind::kReplace;
  } else if (op.op == "move") {
    op.kind = OpKind::kMove;
  } else if (op.op == "copy") {
    op.kind = OpKind::kCopy;
  } else if (op.op == "test") {
    op.kind = OpKind::kTest;
  } else {
    return BadOp(
        i, "op",
        "unknown operation \"" + op.op + "\" (want add, remove, replace, move, copy or test)");
  }
  auto path_it = raw.find("path");
  if (path_it == raw.end() || !path_it->is_string()) return BadOp(i, "path", "required string");
  op.path = path_it->get<std::string>();
  std::string error;
  if (!ParsePointer(op.path, &op.path_tokens, &error))
    return BadOp(i, "path", "\"" + op.path + "\": " + error);
  if (op.kind == OpKind::kAdd || op.kind == OpKind::kReplace || op.kind == OpKind::kTest) {
    auto value_it = raw.find("value");
    if (value_it == raw.end()) return BadOp(i, "value", "required for \"" + op.op + "\"");
    op.value = *value_it;
  }
  if (op.kind == OpKind::kMove || op.kind == OpKind::kCopy) {
    auto from_it = raw.find("from");
    if (from_it == raw.end() || !from_it->is_string())
      return BadOp(i, "from", "required string for \"" + op.op + "\"");
    op.from = from_it->get<std::string>();
    if (!ParsePointer(op.from, &op.from_tokens, &error))
      return BadOp(i, "from", "\"" + op.from + "\": " + error);
  }
  return op;
}

}  // namespace

Result<json> ApplyJsonPatch(const json& original, const json& patch) {
  if (!patch.is_array()) {
    return Status::BadRequest(std::string("json patch must be a JSON array of operations, got ") +
                              patch.type_name());
  }
  if (patch.size() > kMaxJsonPatchOperations) {
    return Status(Code::kTooLarge, "The allowed maximum operations in a JSON patch is " +
                                       std::to_string(kMaxJsonPatchOperations) + ", got " +
                                       std::to_string(patch.size()));
  }
  std::vector<Operation> ops;
  ops.reserve(patch.size());
  for (size_t i = 0; i < patch.size(); ++i) {
    Result<Operation> op = DecodeOperation(patch[i], i);
    if (!op.ok()) return op.status();
    ops.push_back(std::move(op).value());
  }
  json doc = original;
  uint64_t copied = 0;
  for (size_t i = 0; i < ops.size(); ++i) {
    std::string error;
    SKIFF_RETURN_IF_ERROR(CheckGrowth(doc, ops[i], i, &copied));
    if (!Apply(doc, ops[i], &error)) {
      return Status::Invalid(
          "patch[" + std::to_string(i) + "] (" + ops[i].op + " \"" + ops[i].path + "\"): " + error,
          {});
    }
  }
  return doc;
}

}  // namespace skiff::api
