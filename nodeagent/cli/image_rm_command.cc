// skiff container image rm REF...
//
// Refuses to drop an image a container still uses, stopped ones included: their
// root file systems are overlays of its layer trees. Dropping one of several
// names of such an image is fine.
#include "nodeagent/cli/arg_parser.h"
#include "nodeagent/cli/commands.h"
#include "nodeagent/cli/table.h"

namespace skiff::cli {
namespace {

// Whether removing ref drops the image itself, not just one of its names.
bool RemovesImage(const images::Image& image, const std::string& ref) {
  bool hex = !ref.empty() && ref.find_first_not_of("0123456789abcdef") == std::string::npos;
  if (ref.rfind("sha256:", 0) == 0 || (hex && image.id.rfind("sha256:" + ref, 0) == 0)) return true;
  return image.names.size() <= 1;
}

// A container (known to the runtime) whose image is image_id; "" when none.
std::string UserOf(CliEnv& env, const std::string& image_id) {
  Result<runtime::Runtime*> rt = env.Runtime();
  for (const ContainerRecord& record : env.Records()) {
    if (record.image_id != image_id) continue;
    if (!rt.ok() || (*rt)->State(record.id).ok()) return record.id;
  }
  return "";
}

}  // namespace

int ImageRemove(CliEnv& env, const Args& args, std::ostream& out, std::ostream& err) {
  const std::string verb = "image rm";
  ArgParser parser;
  if (Status s = parser.Parse(args); !s.ok()) return Fail(err, verb, s, kExitUsage);
  if (parser.positionals().empty()) return Fail(err, verb, "usage: image rm REF...", kExitUsage);
  if (Status s = env.Lock(); !s.ok()) return Fail(err, verb, s);
  Result<images::ImageStore*> store = env.Images();
  if (!store.ok()) return Fail(err, verb, store.status());
  int code = 0;
  for (const std::string& ref : parser.positionals()) {
    Result<images::Image> image = (*store)->Get(ref);
    if (!image.ok()) {
      code = Fail(err, verb, image.status().code() == Code::kNotFound ? "no such image: " + ref
                                                                      : image.status().message());
      continue;
    }
    std::string user = RemovesImage(*image, ref) ? UserOf(env, image->id) : "";
    if (!user.empty()) {
      code = Fail(err, verb, "image " + ref + " is used by container " + user + "; remove the container first");
      continue;
    }
    if (Status s = (*store)->Remove(ref); !s.ok()) {
      code = Fail(err, verb, s);
      continue;
    }
    out << "removed " << ref << "\n";
  }
  return code;
}

}  // namespace skiff::cli
