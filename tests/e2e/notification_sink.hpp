#pragma once
// What a person's chat or mail service would receive: an HTTP endpoint on 127.0.0.1:0 standing in for Slack's,
// Discord's or a generic webhook's URL in the rendered Alertmanager configuration. It answers 200 to every POST
// and keeps each request, so a test can read the messages a person would get (the text Alertmanager rendered from
// the shipped templates) and when they came.
#include <chrono>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "http_server.hpp"

namespace openclaw::e2e {

struct ReceivedNotification {
  std::string path;
  double received_at = 0;      // unix seconds
  std::string body;            // as sent
  nlohmann::json json;         // the body parsed; null when it is not JSON
};

class NotificationSink {
 public:
  NotificationSink();
  ~NotificationSink();
  NotificationSink(const NotificationSink&) = delete;
  NotificationSink& operator=(const NotificationSink&) = delete;
  NotificationSink(NotificationSink&&) = delete;
  NotificationSink& operator=(NotificationSink&&) = delete;

  std::string url(const std::string& path = "/") const;
  std::vector<ReceivedNotification> received() const;
  // Every request whose body contains `text`, received at or after `since` (unix seconds).
  std::vector<ReceivedNotification> containing(const std::string& text, double since = 0) const;

 private:
  class Handler;
  std::unique_ptr<Handler> handler_;
  std::unique_ptr<HttpServer> server_;
  int port_ = 0;
};

}  // namespace openclaw::e2e
