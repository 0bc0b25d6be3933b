#include "apiserver/resource_handlers.h"

#include <chrono>
#include <unordered_map>

#include "api/decode.h"
#include "api/fields/field_selector.h"
#include "api/json_body.h"
#include "api/labels/label_selector.h"
#include "api/protobuf/decode_protobuf.h"
#include "api/yaml.h"
#include "apiserver/apply/apply.h"
#include "apiserver/http_util.h"
#include "apiserver/printers/table.h"

namespace skiff::apiserver {
namespace {

using nlohmann::json;

constexpr auto kWatchPoll = std::chrono::milliseconds(500);
constexpr int64_t kDefaultWatchTimeoutSeconds = 1800;

Result<WriteOptions> WriteOptionsOf(const httplib::Request& req) {
  WriteOptions opts;
  Result<api::FieldValidation> validation =
      api::ParseFieldValidation(req.get_param_value("fieldValidation"));
  if (!validation.ok()) return validation.status();
  opts.field_validation = *validation;
  std::string dry_run = req.get_param_value("dryRun");
  if (!dry_run.empty() && dry_run != "All") {
    return Status::BadRequest("dryRun: Unsupported value: \"" + dry_run +
                              "\": supported values: \"All\"");
  }
  opts.dry_run = dry_run == "All";
  opts.field_manager = apply::FieldManagerOf(req.get_param_value("fieldManager"),
                                             req.get_header_value("User-Agent"));
  opts.force = req.get_param_value("force") == "true";
  return opts;
}

// A YAML body holding exactly one object; errors name the line and column.
Result<api::JsonBody> YamlBody(const std::string& body) {
  Result<std::vector<api::YamlDocument>> docs = api::ParseYamlDocuments(body, "body");
  if (!docs.ok()) return Status::BadRequest(docs.status().message());
  if (docs->size() != 1)
    return Status::BadRequest("the body must hold exactly one object, not " +
                              std::to_string(docs->size()));
  api::YamlDocument& doc = (*docs)[0];
  return api::JsonBody{std::move(doc.object), std::move(doc.duplicate_fields)};
}

// The body as JSON, with the keys it gave twice (for strict field validation).
Result<api::JsonBody> BodyJson(const httplib::Request& req) {
  std::string type = req.get_header_value("Content-Type");
  std::string media = type.substr(0, type.find(';'));
  // kubectl 1.32+ sends `create <generator>` bodies in protobuf; they decode to the same JSON.
  if (media == api::kProtobufMediaType) {
    Result<json> decoded = api::DecodeKubernetesProtobuf(req.body);
    if (!decoded.ok()) return decoded.status();
    return api::JsonBody{std::move(*decoded), {}};
  }
  if (!media.empty() && media != "application/json" && media != "application/yaml" &&
      media != "*/*") {
    return Status(
        Code::kUnsupportedMediaType,
        "the body of the request was in an unknown format - accepted media types include: "
        "application/json, application/yaml, application/vnd.kubernetes.protobuf");
  }
  if (media == "application/yaml") return YamlBody(req.body);
  return api::ParseJsonBody(req.body);
}

Result<PatchType> PatchTypeOf(const httplib::Request& req) {
  std::string type = req.get_header_value("Content-Type");
  std::string media = type.substr(0, type.find(';'));
  if (media == "application/merge-patch+json") return PatchType::kMerge;
  if (media == "application/json-patch+json") return PatchType::kJson;
  if (media == "application/strategic-merge-patch+json") return PatchType::kStrategic;
  if (media == "application/apply-patch+yaml") {
    if (req.get_param_value("fieldManager").empty()) {
      return Status::Invalid(
          "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for "
          "apply patch",
          {{"fieldManager", "FieldValueRequired", "Required value: is required for apply patch"}});
    }
    return PatchType::kApply;
  }
  return Status(
      Code::kUnsupportedMediaType,
      "the body of the request was in an unknown format - accepted media types include: "
      "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, "
      "application/strategic-merge-patch+json");
}

// A patch body: JSON, or YAML for apply patches.
Result<api::JsonBody> PatchBody(const httplib::Request& req, PatchType type) {
  Result<api::JsonBody> parsed = api::ParseJsonBody(req.body);
  if (parsed.ok() || type != PatchType::kApply) return parsed;
  return YamlBody(req.body);
}

Result<ListQuery> ListQueryOf(const httplib::Request& req) {
  Result<int64_t> limit = IntParam(req, "limit", 0);
  if (!limit.ok()) return limit.status();
  return ListQuery{req.get_param_value("labelSelector"),
                   req.get_param_value("fieldSelector"),
                   *limit,
                   req.get_param_value("continue"),
                   req.get_param_value("resourceVersion"),
                   req.get_param_value("resourceVersionMatch")};
}

// dryRun from the query or, as kubectl sends it, DeleteOptions.dryRun; a body
// that is not a JSON object is refused (its preconditions must not be lost).
Result<DeleteOptions> DeleteOptionsOf(const httplib::Request& req) {
  DeleteOptions opts;
  Result<WriteOptions> query = WriteOptionsOf(req);
  if (!query.ok()) return query.status();
  opts.dry_run = query->dry_run;
  if (req.body.empty()) return opts;
  Result<api::JsonBody> parsed = api::ParseJsonBody(req.body);
  if (!parsed.ok()) return Status::BadRequest("DeleteOptions: " + parsed.status().message());
  const json& body = parsed->value;
  if (!body.is_object()) return Status::BadRequest("DeleteOptions: the body is not a JSON object");
  if (body.contains("dryRun")) {
    const json& dry = body["dryRun"];
    bool all = dry.is_array() && dry.size() == 1 && dry[0] == "All";
    if (!dry.is_array() || (!dry.empty() && !all)) {
      return Status::BadRequest("DeleteOptions.dryRun: Unsupported value: " + api::DumpJson(dry) +
                                ": supported values: \"All\"");
    }
    opts.dry_run = opts.dry_run || all;
  }
  if (!body.contains("preconditions") || !body["preconditions"].is_object()) return opts;
  const json& pre = body["preconditions"];
  if (pre.contains("uid") && pre["uid"].is_string())
    opts.precondition_uid = pre["uid"].get<std::string>();
  if (pre.contains("resourceVersion") && pre["resourceVersion"].is_string()) {
    opts.precondition_resource_version = pre["resourceVersion"].get<std::string>();
  }
  return opts;
}

// Writes that cannot be dry-run yet are refused when asked to be, rather than
// done for real (a dry run must change nothing).
Status RefuseDryRun(const httplib::Request& req, const std::string& what) {
  if (req.get_param_value("dryRun").empty()) return Status::Ok();
  return Status::BadRequest("dryRun is not supported for " + what + " yet; nothing was changed");
}

constexpr const char* kTableContentType = "application/json;as=Table;v=v1;g=meta.k8s.io";
// cpp-httplib gzips responses whose type is exactly "application/json" when the client
// accepts gzip (kubectl does), and its gzip stream holds events back until the watch
// ends. The charset parameter keeps watch streams uncompressed, so events flow at once.
constexpr const char* kWatchContentType = "application/json;charset=utf-8";
constexpr auto kBookmarkInterval = std::chrono::seconds(30);
constexpr size_t kMaxEventsPerWrite = 1000;

bool WantsTable(const httplib::Request& req) {
  return req.get_header_value("Accept").find("as=Table") != std::string::npos;
}

Result<TableOptions> TableOptionsOf(const httplib::Request& req) {
  TableOptions opts;
  opts.wide = true;  // kubectl hides priority-1 columns itself unless -o wide
  opts.include_object = IncludeObject::kMetadata;
  if (req.has_param("includeObject")) {
    Result<IncludeObject> include = ParseIncludeObject(req.get_param_value("includeObject"));
    if (!include.ok()) return include.status();
    opts.include_object = *include;
  }
  return opts;
}

// Sends obj (or a list) as JSON, or as a Table when the client asked for one.
void SendObjects(httplib::Response& res, const httplib::Request& req, const api::KindInfo& kind,
                 const json& body, const Clock& clock, const RequestInfo& info) {
  if (!WantsTable(req)) return SendJson(res, 200, body);
  Result<TableOptions> opts = TableOptionsOf(req);
  if (!opts.ok()) return SendStatus(res, opts.status(), info);
  bool is_list = body.contains("items");
  std::vector<json> objects =
      is_list ? body["items"].get<std::vector<json>>() : std::vector<json>{body};
  const json& meta = body["metadata"];
  json table = ToTable(kind, objects, *opts, clock, meta.value("resourceVersion", ""),
                       is_list ? meta.value("continue", "") : "");
  res.status = 200;
  SetJsonBody(res, api::DumpJson(table), &req, kTableContentType);
}

std::string EventLine(const char* type, const json& object) {
  return api::DumpJson(json{{"type", type}, {"object", object}}) + "\n";
}

// An event line around an object already in JSON text: no parse, no render.
std::string EventLine(const char* type, const std::string& object_text) {
  std::string line;
  line.reserve(object_text.size() + 32);
  line.append("{\"type\":\"")
      .append(type)
      .append("\",\"object\":")
      .append(object_text)
      .append("}\n");
  return line;
}

// A "<Kind>List" around objects already in JSON text.
std::string ListText(const api::KindInfo& kind, const Listed& listed) {
  size_t size = 128;
  for (const CachedObjectPtr& obj : listed.items) size += obj->text.size() + 1;
  std::string out;
  out.reserve(size);
  out.append("{\"apiVersion\":\"").append(kind.ApiVersion()).append("\",\"items\":[");
  for (size_t i = 0; i < listed.items.size(); ++i) {
    if (i > 0) out.push_back(',');
    out.append(listed.items[i]->text);
  }
  json meta = {{"resourceVersion", std::to_string(listed.revision)}};
  if (!listed.continue_token.empty()) meta["continue"] = listed.continue_token;
  out.append("],\"kind\":\"")
      .append(kind.kind)
      .append("List\",\"metadata\":")
      .append(api::DumpJson(meta))
      .append("}");
  return out;
}

// Counts the stream as open for as long as its state lives.
struct OpenWatch {
  ApiMetrics& metrics;
  explicit OpenWatch(ApiMetrics& m) : metrics(m) { metrics.WatchOpened(); }
  ~OpenWatch() { metrics.WatchClosed(); }
  OpenWatch(const OpenWatch&) = delete;
  OpenWatch& operator=(const OpenWatch&) = delete;
};

// What one watch stream carries between calls of its content provider; the
// cache forgets the watcher when the stream's state goes.
struct WatchState {
  ObjectStore& objects;
  const api::KindInfo& kind;
  std::shared_ptr<CacheWatcher> watcher;  // null: the stream only reports an error
  std::string prologue;
  int64_t last_revision = 0;
  std::chrono::steady_clock::time_point last_bookmark = std::chrono::steady_clock::now();
  OpenWatch open;
  WatchState(ObjectStore& o, const api::KindInfo& k, ApiMetrics& m)
      : objects(o), kind(k), open(m) {}
  ~WatchState() {
    if (watcher) {
      watcher->Stop();
      objects.Unwatch(kind, watcher);
    }
  }
};

}  // namespace

void ResourceHandlers::Handle(const RequestInfo& info, const httplib::Request& req,
                              httplib::Response& res) const {
  try {
    Route(info, req, res);  // impersonation was refused before routing (http_server.cc)
  } catch (const std::exception& e) {
    SendInternalError(res, e, req);
  }
}

void ResourceHandlers::Route(const RequestInfo& info, const httplib::Request& req,
                             httplib::Response& res) const {
  const api::KindInfo* kind =
      info.is_resource ? api::FindResource(info.group, info.resource) : nullptr;
  if (!kind || kind->version != info.version || (!kind->namespaced && !info.namespace_.empty())) {
    return SendStatus(res, ResourceNotFound(), info);
  }
  if (!info.subresource.empty()) return Subresource(*kind, info, req, res);
  if (info.verb == "get") return Get(*kind, info, req, res);
  if (info.verb == "list") return List(*kind, info, req, res);
  if (info.verb == "watch") return Watch(*kind, info, req, res);
  if (info.verb == "create" || info.verb == "update") return Write(*kind, info, req, res);
  if (info.verb == "patch") return Patch(*kind, info, req, res);
  if (info.verb == "delete") return Delete(*kind, info, req, res);
  if (info.verb == "deletecollection") return DeleteCollection(*kind, info, req, res);
  SendStatus(res,
             Status(Code::kMethodNotAllowed,
                    "the server does not allow this method on the requested resource"),
             info);
}

void ResourceHandlers::Get(const api::KindInfo& kind, const RequestInfo& info,
                           const httplib::Request& req, httplib::Response& res) const {
  Result<CachedObjectPtr> obj = objects_.GetObject(kind, info.namespace_, info.name);
  if (!obj.ok()) return SendStatus(res, obj.status(), info);
  if (WantsTable(req))
    return SendObjects(res, req, kind, ParseCached(**obj), objects_.clock(), info);
  res.status = 200;
  SetJsonBody(res, (*obj)->text, &req);
}

void ResourceHandlers::List(const api::KindInfo& kind, const RequestInfo& info,
                            const httplib::Request& req, httplib::Response& res) const {
  Result<ListQuery> q = ListQueryOf(req);
  if (!q.ok()) return SendStatus(res, q.status(), info);
  Result<Listed> listed = objects_.ListObjects(kind, info.namespace_, *q);
  if (!listed.ok()) return SendStatus(res, listed.status(), info);
  if (!WantsTable(req)) {
    res.status = 200;
    return SetJsonBody(res, ListText(kind, *listed), &req);
  }
  Result<TableOptions> opts = TableOptionsOf(req);
  if (!opts.ok()) return SendStatus(res, opts.status(), info);
  std::vector<json> objects;
  objects.reserve(listed->items.size());
  for (const CachedObjectPtr& obj : listed->items) objects.push_back(ParseCached(*obj));
  json table = ToTable(kind, objects, *opts, objects_.clock(), std::to_string(listed->revision),
                       listed->continue_token);
  res.status = 200;
  SetJsonBody(res, api::DumpJson(table), &req, kTableContentType);
}

void ResourceHandlers::Write(const api::KindInfo& kind, const RequestInfo& info,
                             const httplib::Request& req, httplib::Response& res) const {
  Result<WriteOptions> opts = WriteOptionsOf(req);
  if (!opts.ok()) return SendStatus(res, opts.status(), info);
  Result<api::JsonBody> body = BodyJson(req);
  if (!body.ok()) return SendStatus(res, body.status(), info);
  opts->duplicate_fields = std::move(body->duplicate_fields);
  bool create = info.verb == "create";
  Result<Written> written =
      create ? objects_.Create(kind, info.namespace_, body->value, *opts)
             : objects_.Update(kind, info.namespace_, info.name, body->value, *opts);
  if (!written.ok()) return SendStatus(res, written.status(), info);
  AddWarnings(res, written->warnings);
  SendJson(res, create ? 201 : 200, written->object);
}

void ResourceHandlers::Patch(const api::KindInfo& kind, const RequestInfo& info,
                             const httplib::Request& req, httplib::Response& res) const {
  Result<WriteOptions> opts = WriteOptionsOf(req);
  if (!opts.ok()) return SendStatus(res, opts.status(), info);
  Result<PatchType> type = PatchTypeOf(req);
  if (!type.ok()) return SendStatus(res, type.status(), info);
  Result<api::JsonBody> body = PatchBody(req, *type);
  if (!body.ok()) return SendStatus(res, body.status(), info);
  opts->duplicate_fields = std::move(body->duplicate_fields);
  const json& patch = body->value;
  const std::string& sub = info.subresource;
  if (sub == "scale" && kind.has_scale) {
    Result<json> scale = objects_.PatchScale(kind, info.namespace_, info.name, *type, patch, *opts);
    return scale.ok() ? SendJson(res, 200, *scale) : SendStatus(res, scale.status(), info);
  }
  Result<Written> written =
      sub == "status" && kind.has_status
          ? objects_.PatchStatus(kind, info.namespace_, info.name, *type, patch, *opts)
      : sub.empty() ? objects_.Patch(kind, info.namespace_, info.name, *type, patch, *opts)
                    : Result<Written>(ResourceNotFound());
  if (!written.ok()) return SendStatus(res, written.status(), info);
  AddWarnings(res, written->warnings);
  SendJson(res, 200, written->object);
}

void ResourceHandlers::Delete(const api::KindInfo& kind, const RequestInfo& info,
                              const httplib::Request& req, httplib::Response& res) const {
  Result<DeleteOptions> opts = DeleteOptionsOf(req);
  if (!opts.ok()) return SendStatus(res, opts.status(), info);
  Result<Deleted> deleted = objects_.Delete(kind, info.namespace_, info.name, *opts);
  if (!deleted.ok()) return SendStatus(res, deleted.status(), info);
  if (!deleted->removed) return SendJson(res, 202, deleted->object);
  // Kubernetes answers a completed delete with the object for most kinds.
  SendJson(res, 200, deleted->object);
}

void ResourceHandlers::DeleteCollection(const api::KindInfo& kind, const RequestInfo& info,
                                        const httplib::Request& req, httplib::Response& res) const {
  if (Status refused = RefuseDryRun(req, "deletecollection"); !refused.ok()) {
    return SendStatus(res, refused, info);
  }
  Result<ListQuery> q = ListQueryOf(req);
  if (!q.ok()) return SendStatus(res, q.status(), info);
  Result<json> deleted = objects_.DeleteCollection(kind, info.namespace_, *q);
  deleted.ok() ? SendJson(res, 200, *deleted) : SendStatus(res, deleted.status(), info);
}

void ResourceHandlers::Subresource(const api::KindInfo& kind, const RequestInfo& info,
                                   const httplib::Request& req, httplib::Response& res) const {
  if (req.method != "GET") {
    if (Status refused = RefuseDryRun(req, "the " + info.subresource + " subresource");
        !refused.ok()) {
      return SendStatus(res, refused, info);
    }
  }
  if (req.method == "PATCH") return Patch(kind, info, req, res);
  const std::string& sub = info.subresource;
  const std::string& ns = info.namespace_;
  bool read = req.method == "GET";
  bool replace = req.method == "PUT";
  if (sub == "status" && kind.has_status && (read || replace)) {
    if (read) return Get(kind, info, req, res);
    Result<api::JsonBody> body = BodyJson(req);
    Result<WriteOptions> opts = WriteOptionsOf(req);
    if (!opts.ok()) return SendStatus(res, opts.status(), info);
    Result<Written> written = body.ok()
                                  ? objects_.UpdateStatus(kind, ns, info.name, body->value, *opts)
                                  : Result<Written>(body.status());
    if (!written.ok()) return SendStatus(res, written.status(), info);
    AddWarnings(res, written->warnings);
    return SendJson(res, 200, written->object);
  }
  if (sub == "scale" && kind.has_scale && (read || replace)) {
    Result<api::JsonBody> body = read ? Result<api::JsonBody>(api::JsonBody{}) : BodyJson(req);
    Result<WriteOptions> opts = WriteOptionsOf(req);
    if (!opts.ok()) return SendStatus(res, opts.status(), info);
    Result<json> scale = !body.ok() ? Result<json>(body.status())
                         : read     ? objects_.GetScale(kind, ns, info.name)
                                    : objects_.UpdateScale(kind, ns, info.name, body->value, *opts);
    return scale.ok() ? SendJson(res, 200, *scale) : SendStatus(res, scale.status(), info);
  }
  if (sub == "binding" && kind.kind == "Pod" && req.method == "POST") {
    Result<api::JsonBody> body = BodyJson(req);
    Status bound = body.ok() ? objects_.BindPod(ns, info.name, body->value) : body.status();
    if (!bound.ok()) return SendStatus(res, bound, info);
    return SendJson(res, 201, StatusToJson(Status::Ok()));
  }
  if ((sub == "log" || sub == "exec" || sub == "attach" || sub == "portforward") &&
      kind.kind == "Pod") {
    return SendStatus(
        res,
        Status::Unavailable("pods/" + sub + " is served by the node agent, which is not running"),
        info);
  }
  SendStatus(res, ResourceNotFound(), info);
}

void ResourceHandlers::Watch(const api::KindInfo& kind, const RequestInfo& info,
                             const httplib::Request& req, httplib::Response& res) const {
  Result<int64_t> rv = IntParam(req, "resourceVersion", 0);
  if (!rv.ok()) return SendStatus(res, rv.status(), info);
  Result<int64_t> timeout_s = IntParam(req, "timeoutSeconds", kDefaultWatchTimeoutSeconds);
  if (!timeout_s.ok()) return SendStatus(res, timeout_s.status(), info);
  std::string field_selector = req.get_param_value("fieldSelector");
  if (!info.name.empty()) {
    field_selector =
        "metadata.name=" + info.name + (field_selector.empty() ? "" : "," + field_selector);
  }
  Result<api::LabelSelector> labels = api::ParseLabelSelector(req.get_param_value("labelSelector"));
  if (!labels.ok()) return SendStatus(res, labels.status(), info);
  Result<api::FieldSelector> fields = api::ParseFieldSelector(field_selector, kind);
  if (!fields.ok()) return SendStatus(res, fields.status(), info);
  Result<TableOptions> table_opts = TableOptionsOf(req);
  if (!table_opts.ok()) return SendStatus(res, table_opts.status(), info);
  bool as_table = WantsTable(req);
  bool bookmarks = req.get_param_value("allowWatchBookmarks") == "true";

  const Clock& clock = objects_.clock();
  TableOptions row_opts = *table_opts;
  // Renders one event in the negotiated form: the object's text, or a one-row Table.
  auto render = [&kind, &clock, as_table, row_opts](const char* type, const CachedObject& obj) {
    if (!as_table) return EventLine(type, obj.text);
    return EventLine(
        type, ToTable(kind, {ParseCached(obj)}, row_opts, clock, std::to_string(obj.mod_revision)));
  };

  // Without a resourceVersion (or with "0") the client wants the current state
  // first, as ADDED events; otherwise the events after its revision.
  WatchFilter filter{kind.namespaced ? info.namespace_ : std::string(), std::move(*labels),
                     std::move(*fields)};
  bool initial_state = *rv == 0;
  Result<CacheWatch> watch = objects_.Watch(kind, std::move(filter), *rv, initial_state);
  if (!watch.ok() && watch.status().code() != Code::kGone)
    return SendStatus(res, watch.status(), info);
  auto state = std::make_shared<WatchState>(objects_, kind, metrics_);
  if (!watch.ok()) {
    json status = StatusToJson(watch.status());
    status["reason"] = "Expired";
    state->prologue = EventLine("ERROR", status);
  } else {
    state->watcher = std::move(watch->watcher);
    state->last_revision = watch->revision;
    for (const CachedObjectPtr& obj : watch->initial) state->prologue += render("ADDED", *obj);
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(*timeout_s);
  const std::atomic<bool>& stopping = stopping_;
  res.status = 200;
  res.set_chunked_content_provider(
      as_table ? kTableContentType : kWatchContentType,
      [&stopping, state, deadline, render, bookmarks, &kind](size_t, httplib::DataSink& sink) {
        if (!state->prologue.empty()) {
          if (!sink.write(state->prologue.data(), state->prologue.size())) return false;
          state->prologue.clear();
        }
        while (state->watcher && !stopping && std::chrono::steady_clock::now() < deadline) {
          // Every event up to this revision is in the queue now: once Next has
          // drained it, a bookmark may promise the revision.
          int64_t drained_through = bookmarks ? state->objects.CacheRevision(kind) : 0;
          std::vector<WatchDelivery> events = state->watcher->Next(kWatchPoll, kMaxEventsPerWrite);
          if (!sink.is_writable()) return false;
          if (events.empty() && !state->watcher->status().ok()) {
            Status why = state->watcher->status();
            if (why.code() == Code::kGone) {
              std::string line = EventLine("ERROR", StatusToJson(why));
              sink.write(line.data(), line.size());
            }
            break;
          }
          std::string out;
          for (const WatchDelivery& ev : events) {
            state->last_revision = ev.object->mod_revision;
            out += render(WatchEventTypeName(ev.type), *ev.object);
          }
          auto now = std::chrono::steady_clock::now();
          if (bookmarks && now - state->last_bookmark >= kBookmarkInterval &&
              events.size() < kMaxEventsPerWrite) {
            state->last_bookmark = now;
            int64_t at = std::max(state->last_revision, drained_through);
            out += EventLine("BOOKMARK",
                             json{{"kind", kind.kind},
                                  {"apiVersion", kind.ApiVersion()},
                                  {"metadata", {{"resourceVersion", std::to_string(at)}}}});
          }
          if (!out.empty() && !sink.write(out.data(), out.size())) return false;
        }
        sink.done();
        return true;
      });
}

}  // namespace skiff::apiserver
