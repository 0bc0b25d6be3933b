#include "nodeagent/cli/image_resolver.h"

#include "nodeagent/images/image_reference.h"
#include "nodeagent/images/registry_client.h"

namespace skiff::cli {

Result<images::Image> PullImage(CliEnv& env, const std::string& reference) {
  Result<images::ImageReference> ref = images::ParseImageReference(reference);
  if (!ref.ok()) return ref.status();
  Result<images::ImageStore*> store = env.Images();
  if (!store.ok()) return store.status();
  images::RegistryClient client(images::RegistryOptions{});
  Result<images::Image> image = client.Pull(**store, *ref);
  return image;
}

Result<images::Image> EnsureImage(CliEnv& env, const std::string& reference) {
  Result<images::ImageStore*> store = env.Images();
  if (!store.ok()) return store.status();
  Result<images::Image> image = (*store)->Get(reference);
  if (image.ok() || image.status().code() != Code::kNotFound) return image;
  bool names_digest = reference.rfind("sha256:", 0) == 0;
  if (names_digest) return Status::NotFound("no such image: " + reference);
  return PullImage(env, reference);
}

}  // namespace skiff::cli
