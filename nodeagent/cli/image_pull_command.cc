// skiff container image pull REF
#include "nodeagent/cli/arg_parser.h"
#include "nodeagent/cli/commands.h"
#include "nodeagent/cli/image_resolver.h"
#include "nodeagent/images/image_reference.h"

namespace skiff::cli {

int ImagePull(CliEnv& env, const Args& args, std::ostream& out, std::ostream& err) {
  const std::string verb = "image pull";
  ArgParser parser;
  if (Status s = parser.Parse(args); !s.ok()) return Fail(err, verb, s, kExitUsage);
  if (parser.positionals().size() != 1) return Fail(err, verb, "usage: image pull REF", kExitUsage);
  if (Status s = env.Lock(); !s.ok()) return Fail(err, verb, s);
  Result<images::Image> image = PullImage(env, parser.positionals()[0]);
  if (!image.ok()) return Fail(err, verb, image.status());
  // The canonical form of the reference (the image may carry other names too).
  out << "pulled " << images::ParseImageReference(parser.positionals()[0])->String() << " (" << image->id << ")\n";
  return 0;
}

}  // namespace skiff::cli
