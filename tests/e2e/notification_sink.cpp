#include "notification_sink.hpp"

#include <civetweb.h>
#include <CivetServer.h>

#include "prometheus_client.hpp"

namespace openclaw::e2e {

class NotificationSink::Handler final : public CivetHandler {
 public:
  bool handlePost(CivetServer* /*server*/, mg_connection* conn) override {
    ReceivedNotification got;
    got.path = mg_get_request_info(conn)->local_uri;
    got.received_at = unix_now();
    const BodyResult body = read_request_body(conn, 1U << 20U);
    got.body = body.body.value_or("");
    got.json = nlohmann::json::parse(got.body, nullptr, false);
    if (got.json.is_discarded()) got.json = nullptr;
    {
      std::lock_guard lock(mutex_);
      received_.push_back(std::move(got));
    }
    // What Telegram's Bot API answers; Slack, Discord and webhooks only look at the status.
    send_response(conn, 200, "application/json", R"({"ok":true,"result":{"message_id":1}})");
    return true;
  }

  std::vector<ReceivedNotification> received() const {
    std::lock_guard lock(mutex_);
    return received_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<ReceivedNotification> received_;
};

NotificationSink::NotificationSink() : handler_(std::make_unique<Handler>()) {
  HttpServerOptions options;
  options.listen_address = "127.0.0.1:0";
  server_ = std::make_unique<HttpServer>(options);
  server_->add_handler("/", *handler_);
  port_ = server_->listening_ports().at(0);
}

NotificationSink::~NotificationSink() { server_.reset(); }

std::string NotificationSink::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

std::vector<ReceivedNotification> NotificationSink::received() const { return handler_->received(); }

std::vector<ReceivedNotification> NotificationSink::containing(const std::string& text, double since) const {
  std::vector<ReceivedNotification> out;
  for (auto& r : received()) {
    if (r.received_at >= since && r.body.find(text) != std::string::npos) out.push_back(std::move(r));
  }
  return out;
}

}  // namespace openclaw::e2e
