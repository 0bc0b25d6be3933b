// ResourceHandlers: the HTTP verbs on resource paths, over ObjectStore.
//
// Handle() routes one request by its RequestInfo (verb, resource, subresource)
// to the ObjectStore and writes the answer: the object, a list, a chunked watch
// stream, or a metav1.Status. It holds no per-request state; thread-safe.
//
// Until authorization exists, a request that asks to act as someone else
// (Impersonate-User, -Group, -Uid, -Extra-*) is refused with 403 naming the
// header, rather than served as the caller. An exception from any layer below is
// answered with a metav1.Status 500 that carries no internal detail (the detail
// goes to the server's log).
#pragma once

#include <httplib.h>

#include <atomic>

#include "apiserver/metrics.h"
#include "apiserver/object_store.h"
#include "apiserver/request_info.h"

namespace skiff::apiserver {

class ResourceHandlers {
 public:
  // stopping ends open watches when it turns true.
  ResourceHandlers(ObjectStore& objects, const std::atomic<bool>& stopping, ApiMetrics& metrics)
      : objects_(objects), stopping_(stopping), metrics_(metrics) {}

  // info: what req's path asks for (ParseRequestInfo), parsed by the caller.
  void Handle(const RequestInfo& info, const httplib::Request& req, httplib::Response& res) const;

 private:
  void Route(const RequestInfo& info, const httplib::Request& req, httplib::Response& res) const;
  void Get(const api::KindInfo& kind, const RequestInfo& info, const httplib::Request& req,
           httplib::Response& res) const;
  void List(const api::KindInfo& kind, const RequestInfo& info, const httplib::Request& req,
            httplib::Response& res) const;
  void Write(const api::KindInfo& kind, const RequestInfo& info, const httplib::Request& req,
             httplib::Response& res) const;
  void Patch(const api::KindInfo& kind, const RequestInfo& info, const httplib::Request& req,
             httplib::Response& res) const;
  void Delete(const api::KindInfo& kind, const RequestInfo& info, const httplib::Request& req,
              httplib::Response& res) const;
  void DeleteCollection(const api::KindInfo& kind, const RequestInfo& info,
                        const httplib::Request& req, httplib::Response& res) const;
  void Subresource(const api::KindInfo& kind, const RequestInfo& info, const httplib::Request& req,
                   httplib::Response& res) const;
  void Watch(const api::KindInfo& kind, const RequestInfo& info, const httplib::Request& req,
             httplib::Response& res) const;

  ObjectStore& objects_;
  const std::atomic<bool>& stopping_;
  ApiMetrics& metrics_;
};

}  // namespace skiff::apiserver
