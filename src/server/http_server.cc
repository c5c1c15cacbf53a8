#include "server/http_server.h"

#include <httplib.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <cctype>

#include "common/error_codes.h"
#include "common/ids.h"
#include "protocol/envelope.h"
#include "server/admin_reload.h"

namespace kanjian::server {
namespace {

constexpr char kJson[] = "application/json";

ApiRequest ToApiRequest(const httplib::Request& req) {
  ApiRequest out;
  out.method = req.method;
  for (const auto& [name, value] : req.headers) {
    std::string lower = name;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers.emplace(std::move(lower), value);
  }
  out.body = req.body;
  return out;
}

}  // namespace

HttpServer::HttpServer(HttpOptions options, ApiHandler& api, const ServerMetrics& metrics)
    : options_(std::move(options)), api_(api), metrics_(metrics),
      http_(std::make_unique<httplib::Server>()) {
  const int threads = options_.threads;
  http_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  http_->set_payload_max_length(options_.hard_body_limit);
  http_->set_read_timeout(options_.read_timeout_s, 0);
  http_->set_write_timeout(options_.write_timeout_s, 0);

  auto api_route = [this](const httplib::Request& req, httplib::Response& res) {
    ApiResponse answer = api_.Handle(ToApiRequest(req));
    res.status = 200;
    res.set_content(answer.body, kJson);
  };
  http_->Post("/", api_route);
  http_->Get("/", api_route);  // answered with a clear error: GET is not supported
  http_->Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("{\"status\":\"ok\"}", kJson);
  });
  http_->Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(metrics_.RenderPrometheus(), "text/plain; version=0.0.4");
  });
  if (options_.models) {
    // Unsigned, so loopback peers only (admin_reload.h): 403 for any other.
    http_->Post("/admin/reload", [this](const httplib::Request& req, httplib::Response& res) {
      AdminAnswer answer = HandleAdminReload(req.remote_addr, *options_.models);
      res.status = answer.http_status;
      res.set_content(answer.body, kJson);
    });
  }
  // cpp-httplib also sets SO_REUSEPORT by default, which lets a second
  // `serve` bind the same port and silently take half the traffic. Only
  // SO_REUSEADDR (a restart may bind over TIME_WAIT): a taken port fails.
  http_->set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  // Bodies over the hard limit are refused before being read; the SDKs
  // still need an HTTP 200 envelope to show the reason.
  http_->set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (res.status == 413) {
      res.status = 200;
      res.set_content(protocol::ErrorBody(Status(errc::kRequestSizeLimitExceeded,
                                                 "request body too large"),
                                          ids::NewRequestId()),
                      kJson);
    }
  });
}

HttpServer::~HttpServer() = default;

Status HttpServer::Bind() {
  if (options_.port == 0) {
    bound_port_ = http_->bind_to_any_port(options_.host);
  } else if (http_->bind_to_port(options_.host, options_.port)) {
    bound_port_ = options_.port;
  }
  if (bound_port_ <= 0)
    return Status(errc::kInternalError, "cannot listen on " + options_.host + ":" +
                                            std::to_string(options_.port));
  return Status::Ok();
}

Status HttpServer::Serve() {
  spdlog::info("listening on {}:{}", options_.host, bound_port_);
  if (!http_->listen_after_bind())
    return Status(errc::kInternalError, "HTTP server stopped with an error");
  return Status::Ok();
}

Status HttpServer::Run() {
  if (Status s = Bind(); !s.ok()) return s;
  return Serve();
}

void HttpServer::Stop() { http_->stop(); }

}  // namespace kanjian::server
