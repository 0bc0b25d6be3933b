// The opaque `continue` token of paged lists: the revision the first page was read
// at and the last key returned, base64url-encoded JSON as Kubernetes does.
// Decoding a token that is not ours fails with BadRequest.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace skiff::apiserver {

struct ContinueToken {
  int64_t revision = 0;
  std::string last_key;
};

std::string EncodeContinueToken(const ContinueToken& token);
Result<ContinueToken> DecodeContinueToken(std::string_view text);

}  // namespace skiff::apiserver
