// Fuzz target: client::ParseKubeconfig on arbitrary bytes. The kubeconfig is
// placed in an empty directory, so relative file references (token-file,
// certificate-authority, ...) find nothing and fail cleanly.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "client/kubeconfig.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto config = skiff::client::ParseKubeconfig(text, "/nonexistent/skiff-fuzz/kubeconfig");
  (void)config;
  return 0;
}
