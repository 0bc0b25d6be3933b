// Event (core/v1): LAST SEEN TYPE REASON OBJECT [SUBOBJECT SOURCE] MESSAGE
//                  [FIRST SEEN COUNT NAME].
//
// FIRST SEEN is firstTimestamp, else eventTime (events.k8s.io writers set only
// that). LAST SEEN is series.lastObservedTime for a series, else lastTimestamp,
// else FIRST SEEN. COUNT is series.count, else count, and 1 for a singleton
// whose count is unset. OBJECT is "<kind lower-cased>/<name>". SOURCE is
// "component, host", falling back to reportingController / reportingInstance.
#include <algorithm>
#include <cctype>

#include "apiserver/printers/human_duration.h"
#include "apiserver/printers/printer.h"

namespace skiff::apiserver::printers {
namespace {

using nlohmann::json;

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Go's strings.TrimSpace for the ASCII white space an event message can carry.
std::string TrimSpace(const std::string& s) {
  const char* ws = " \t\n\r\v\f";
  size_t begin = s.find_first_not_of(ws);
  if (begin == std::string::npos) return "";
  size_t end = s.find_last_not_of(ws);
  return s.substr(begin, end - begin + 1);
}

std::string FirstNonEmpty(std::string a, std::string b) { return a.empty() ? b : a; }

std::string Source(const json& event) {
  const json& source = Obj(event, "source");
  std::string component =
      FirstNonEmpty(Str(source, "component"), Str(event, "reportingController"));
  std::string instance = FirstNonEmpty(Str(source, "host"), Str(event, "reportingInstance"));
  if (instance.empty()) return component;
  return component + ", " + instance;
}

PrintedRow PrintEvent(const json& event, const PrintContext& ctx) {
  const Clock& clock = ctx.clock;
  std::optional<Timestamp> first = ParseTimestamp(Find(event, "firstTimestamp"));
  std::string first_seen =
      first ? TimestampSince(first, clock) : TimestampSince(Find(event, "eventTime"), clock);
  std::optional<Timestamp> last = ParseTimestamp(Find(event, "lastTimestamp"));
  std::string last_seen = last ? TimestampSince(last, clock) : first_seen;

  int64_t count = Int(event, "count");
  if (const json* series = Find(event, "series"); series != nullptr && series->is_object()) {
    last_seen = TimestampSince(Find(*series, "lastObservedTime"), clock);
    count = Int(*series, "count");
  } else if (count == 0) {
    count = 1;  // singleton events of the events.k8s.io API leave it unset
  }

  const json& involved = Obj(event, "involvedObject");
  std::string target = Lower(Str(involved, "kind"));
  if (std::string name = Str(involved, "name"); !name.empty()) target += "/" + name;

  PrintedRow row;
  row.cells = {last_seen,
               Str(event, "type"),
               Str(event, "reason"),
               target,
               Str(involved, "fieldPath"),
               Source(event),
               TrimSpace(Str(event, "message")),
               first_seen,
               count,
               NameOf(event)};
  return row;
}

}  // namespace

KindPrinter EventPrinter() {
  return {{{"Last Seen", "string", "",
            "The time at which the most recent occurrence of this "
            "event was recorded.",
            0},
           {"Type", "string", "", "Type of this event (Normal, Warning).", 0},
           {"Reason", "string", "",
            "A short, machine understandable string that gives the "
            "reason for the transition into the object's current "
            "status.",
            0},
           {"Object", "string", "", "The object that this event is about.", 0},
           {"Subobject", "string", "", "The field of the object this event is about, if any.", 1},
           {"Source", "string", "", "The component reporting this event.", 1},
           {"Message", "string", "",
            "A human-readable description of the status of this "
            "operation.",
            0},
           {"First Seen", "string", "", "The time at which the event was first recorded.", 1},
           {"Count", "string", "", "The number of times this event has occurred.", 1},
           {"Name", "string", "name", kNameDescription, 1}},
          PrintEvent};
}

}  // namespace skiff::apiserver::printers
