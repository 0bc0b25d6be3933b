// skiff container image import PATH [--name REF]
#include "nodeagent/cli/arg_parser.h"
#include "nodeagent/cli/commands.h"
#include "nodeagent/images/image_import.h"
#include "nodeagent/images/image_reference.h"

namespace skiff::cli {

int ImageImport(CliEnv& env, const Args& args, std::ostream& out, std::ostream& err) {
  const std::string verb = "image import";
  ArgParser parser;
  parser.Value("--name");
  if (Status s = parser.Parse(args); !s.ok()) return Fail(err, verb, s, kExitUsage);
  if (parser.positionals().size() != 1) return Fail(err, verb, "usage: image import PATH [--name REF]", kExitUsage);
  images::ImportOptions options;
  if (parser.Has("--name")) {
    Result<images::ImageReference> ref = images::ParseImageReference(parser.Get("--name"));
    if (!ref.ok()) return Fail(err, verb, ref.status().WithContext("--name"), kExitUsage);
    options.name = ref->String();
  }
  if (Status s = env.Lock(); !s.ok()) return Fail(err, verb, s);
  Result<images::ImageStore*> store = env.Images();
  if (!store.ok()) return Fail(err, verb, store.status());
  Result<std::vector<images::Image>> imported = images::ImportImage(**store, parser.positionals()[0], options);
  if (!imported.ok()) return Fail(err, verb, imported.status().WithContext(parser.positionals()[0]));
  for (const images::Image& image : *imported) {
    out << "imported " << (image.names.empty() ? image.id : image.names.front()) << " (" << image.id << ")\n";
  }
  return 0;
}

}  // namespace skiff::cli
