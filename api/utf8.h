// UTF-8 checks for text that arrives from outside (bodies, headers, YAML).
//
// Kubernetes (Go) accepts bytes that are not UTF-8 inside JSON strings and in
// headers and turns each one into U+FFFD when it decodes or serializes them;
// ReplaceInvalidUtf8 does the same here, so that no such byte reaches a JSON
// value, where serializing it would fail. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace skiff::api {

// The length of the well-formed UTF-8 sequence at text[i] (shortest form, at
// most U+10FFFF, no surrogates), or 0 if there is none. i < text.size().
size_t Utf8SequenceLength(std::string_view text, size_t i);

bool IsValidUtf8(std::string_view text);

// text with every byte that does not begin a well-formed sequence replaced by
// U+FFFD (one replacement per byte, as Go's decoders do).
std::string ReplaceInvalidUtf8(std::string_view text);

}  // namespace skiff::api
