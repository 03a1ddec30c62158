#pragma once

#include <CivetServer.h>

#include <string>

namespace openclaw {

// A civetweb handler that answers every method its subclass does not implement with 405, an Allow header naming
// the one it does, and no CORS headers (OPTIONS is a 405 too): what both programs' endpoints share. A subclass
// overrides get() or post().
class MethodHandler : public CivetHandler {
 public:
  explicit MethodHandler(std::string allow) : allow_(std::move(allow)) {}
  bool handleGet(CivetServer* server, mg_connection* conn) override;
  bool handlePost(CivetServer* server, mg_connection* conn) override;
  bool handleHead(CivetServer* server, mg_connection* conn) override;
  bool handlePut(CivetServer* server, mg_connection* conn) override;
  bool handleDelete(CivetServer* server, mg_connection* conn) override;
  bool handleOptions(CivetServer* server, mg_connection* conn) override;
  bool handlePatch(CivetServer* server, mg_connection* conn) override;

 protected:
  virtual bool get(mg_connection* conn);
  virtual bool post(mg_connection* conn);
  bool not_allowed(mg_connection* conn);

 private:
  std::string allow_;
};

}  // namespace openclaw
