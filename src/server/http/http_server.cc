#include "server/http/http_server.h"

#include <poll.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/http/span_body.hpp>
#include <boost/beast/ssl.hpp>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "common/ascii.h"
#include "common/error_codes.h"
#include "common/ids.h"
#include "protocol/envelope.h"
#include "server/http/http_framing.h"

namespace kanjian::server {
namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

// Bytes read per read call while waiting for a request head; also bounds
// what one connection buffers beyond max_head_bytes.
constexpr size_t kReadChunk = size_t{16} * 1024;

// Tells whether the peer has closed (or half-closed) the connection, from
// any thread, without reading: poll(POLLRDHUP) on the socket. `closed` is
// set under `mu` before the session closes the descriptor, so a probe that
// outlives the connection never polls a reused descriptor.
struct PeerProbe {
  std::mutex mu;
  int fd = -1;
  bool closed = false;

  bool Gone() {
    std::lock_guard lock(mu);
    if (closed) return true;
    pollfd p{fd, POLLRDHUP, 0};
    if (::poll(&p, 1, 0) < 0) return false;
    return (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
  }
  void MarkClosed() {
    std::lock_guard lock(mu);
    closed = true;
  }
};

std::string BareResponse(int status, const char* reason) {
  return "HTTP/1.1 " + std::to_string(status) + " " + reason +
         "\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
}

// An API 3.0 error envelope (HTTP 200, as the SDKs need) for refusals the
// transport makes once a request head exists.
HttpResponse EnvelopeError(ErrorCode code, const std::string& message) {
  HttpResponse res;
  res.body = protocol::ErrorBody(Status(code, message), ids::NewRequestId());
  return res;
}

// What a handler's exception becomes: no exception text on the wire.
HttpResponse InternalErrorResponse(const std::string& path) {
  const std::string request_id = ids::NewRequestId();
  HttpResponse res;
  res.body = protocol::ErrorBody(Status(errc::kInternalError, "internal error"), request_id);
  if (path != "/") res.status = 500;
  spdlog::error(
      R"({{"RequestId":"{}","Path":{},"Code":"InternalError","Detail":"handler threw"}})",
      request_id,
      nlohmann::json(path).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  return res;
}

}  // namespace

// ---------------------------------------------------------------------------

struct HttpServer::Impl {
  Impl(HttpOptions o, HttpRouter r, metrics::CounterFamily* rej)
      : options(std::move(o)),
        router(std::move(r)),
        rejected(rej),
        handlers(static_cast<size_t>(std::max(1, options.handler_threads))),
        store_handlers(static_cast<size_t>(std::max(1, options.store_threads))),
        acceptor(ioc),
        tls(ssl::context::tls_server) {}

  void Reject(const char* reason) {
    if (rejected) rejected->Increment(std::string("reason=\"") + reason + "\"");
  }

  // Reserves `bytes` of the shared body budget; false = over budget.
  bool ReserveBody(size_t bytes) {
    size_t now = buffered_body_bytes.load();
    do {
      if (now + bytes > options.max_buffered_body_bytes) return false;
    } while (!buffered_body_bytes.compare_exchange_weak(now, now + bytes));
    return true;
  }
  void ReleaseBody(size_t bytes) { buffered_body_bytes -= bytes; }

  void SessionStarted(uint64_t id, std::function<void()> close_if_idle) {
    std::lock_guard lock(mu);
    sessions[id] = std::move(close_if_idle);
  }
  void SessionEnded(uint64_t id) {
    std::lock_guard lock(mu);
    sessions.erase(id);
    connections--;
    cv.notify_all();
  }

  void Accept();

  const HttpOptions options;
  const HttpRouter router;
  metrics::CounterFamily* const rejected;
  bool use_tls = false;

  net::io_context ioc;
  net::thread_pool handlers;
  net::thread_pool store_handlers;
  tcp::acceptor acceptor;
  ssl::context tls;
  int bound_port = 0;

  std::atomic<size_t> buffered_body_bytes{0};
  std::atomic<bool> stopping{false};
  std::atomic<uint64_t> next_session_id{1};

  std::mutex mu;
  std::condition_variable cv;
  std::map<uint64_t, std::function<void()>> sessions;  // guarded by mu
  int connections = 0;                                 // guarded by mu
};

namespace {

// One connection. Reads one request at a time (pipelined bytes wait in the
// buffer), answers it, then reads the next; all on the connection's strand.
template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
 public:
  Session(HttpServer::Impl& server, Stream stream, std::string peer, uint64_t id)
      : server_(server),
        stream_(std::move(stream)),
        peer_(std::move(peer)),
        id_(id),
        probe_(std::make_shared<PeerProbe>()) {
    probe_->fd = Lowest().socket().native_handle();
  }

  ~Session() {
    if (reserved_) server_.ReleaseBody(reserved_);
    server_.SessionEnded(id_);
  }

  void Start() {
    auto self = this->shared_from_this();
    server_.SessionStarted(id_, [weak = std::weak_ptr<Session>(self)] {
      if (auto s = weak.lock()) net::post(s->stream_.get_executor(), [s] { s->CloseIfIdle(); });
    });
    if constexpr (kTls) {
      Lowest().expires_after(std::chrono::milliseconds(server_.options.header_timeout_ms));
      stream_.async_handshake(ssl::stream_base::server, [self](beast::error_code ec) {
        if (ec) return self->Close();
        self->ReadHead();
      });
    } else {
      ReadHead();
    }
  }

 private:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  beast::tcp_stream& Lowest() { return beast::get_lowest_layer(stream_); }

  void CloseIfIdle() {
    if (!handling_) Close();
  }

  void Close() {
    if (closed_) return;
    closed_ = true;
    probe_->MarkClosed();
    beast::error_code ec;
    Lowest().socket().shutdown(tcp::socket::shutdown_both, ec);
    Lowest().close();
  }

  // --- request head -------------------------------------------------------

  void ReadHead() {
    if (server_.stopping) return Close();
    DropLeadingEmptyLines();
    if (buffer_.size() == 0) {
      // Idle keep-alive: wait for the first byte of the next request.
      Lowest().expires_after(std::chrono::milliseconds(server_.options.idle_timeout_ms));
      stream_.async_read_some(buffer_.prepare(kReadChunk), [self = this->shared_from_this()](
                                                               beast::error_code ec, size_t n) {
        if (ec) return self->Close();
        self->buffer_.commit(n);
        self->head_deadline_ = std::chrono::steady_clock::now() +
                               std::chrono::milliseconds(self->server_.options.header_timeout_ms);
        self->ReadHead();
      });
      return;
    }
    if (!head_deadline_)
      head_deadline_ = std::chrono::steady_clock::now() +
                       std::chrono::milliseconds(server_.options.header_timeout_ms);
    const size_t head_end = FindHeadEnd();
    // A head written with bare LFs never shows a CRLF CRLF: refuse it as
    // soon as one arrives rather than when the head deadline runs out.
    if (HasBareLf(Buffered().substr(0, head_end))) {
      server_.Reject("bad_head");
      return WriteBareAndClose(400, "Bad Request");
    }
    if (head_end != std::string_view::npos) return OnHead(head_end);
    if (buffer_.size() > server_.options.max_head_bytes) {
      server_.Reject("head_too_large");
      return WriteBareAndClose(431, "Request Header Fields Too Large");
    }
    // More of the head: the deadline counts from its first byte, so a
    // client trickling a line every few seconds is cut off all the same.
    Lowest().expires_at(*head_deadline_);
    stream_.async_read_some(buffer_.prepare(kReadChunk),
                            [self = this->shared_from_this()](beast::error_code ec, size_t n) {
                              if (ec) {
                                if (ec == beast::error::timeout)
                                  self->server_.Reject("head_timeout");
                                return self->Close();
                              }
                              self->buffer_.commit(n);
                              self->ReadHead();
                            });
  }

  std::string_view Buffered() const {
    return {static_cast<const char*>(buffer_.data().data()), buffer_.size()};
  }

  // RFC 9112 §2.2: a server should ignore at least one empty line before a request.
  void DropLeadingEmptyLines() {
    std::string_view data = Buffered();
    size_t drop = 0;
    while (data.substr(drop, 2) == "\r\n") drop += 2;
    buffer_.consume(drop);
  }

  static bool HasBareLf(std::string_view head) {
    for (size_t at = head.find('\n'); at != std::string_view::npos; at = head.find('\n', at + 1))
      if (at == 0 || head[at - 1] != '\r') return true;
    return false;
  }

  size_t FindHeadEnd() const {
    const size_t at = Buffered().find("\r\n\r\n");
    return at == std::string_view::npos ? at : at + 4;
  }

  void OnHead(size_t head_size) {
    head_deadline_.reset();
    const std::string_view head = Buffered().substr(0, head_size);
    if (head_size > server_.options.max_head_bytes) {
      server_.Reject("head_too_large");
      return WriteBareAndClose(431, "Request Header Fields Too Large");
    }
    switch (CheckRawHead(head, server_.options.max_header_fields)) {
      case HeadVerdict::kOk:
        break;
      case HeadVerdict::kFieldsTooLarge:
        server_.Reject("too_many_fields");
        return WriteBareAndClose(431, "Request Header Fields Too Large");
      case HeadVerdict::kBadRequest:
        server_.Reject("bad_head");
        return WriteBareAndClose(400, "Bad Request");
    }
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(server_.options.max_head_bytes));
    // No body limit while the head is parsed: an oversize Content-Length
    // gets its envelope below instead of Beast's error; set before the body.
    parser_->body_limit(boost::none);
    beast::error_code ec;
    parser_->put(net::buffer(head.data(), head.size()), ec);
    buffer_.consume(head_size);
    if (ec || !parser_->is_header_done()) {
      server_.Reject("bad_head");
      return WriteBareAndClose(400, "Bad Request");
    }
    const auto& message = parser_->get();
    std::vector<std::pair<std::string, std::string>> fields;
    for (const auto& field : message) {
      fields.emplace_back(AsciiLower(field.name_string()), std::string(field.value()));
    }
    framing_ = CheckFraming(static_cast<int>(message.version()), fields);
    if (!framing_.error.empty() ||
        !SplitTarget(std::string_view(message.target().data(), message.target().size()),
                     &request_.path, &request_.query)) {
      spdlog::info(R"({{"Peer":"{}","Code":"400","Detail":{}}})", peer_,
                   nlohmann::json(framing_.error.empty() ? "bad request-target" : framing_.error)
                       .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
      server_.Reject("bad_framing");
      return WriteBareAndClose(400, "Bad Request");
    }
    request_.method = std::string(message.method_string());
    request_.headers.clear();
    for (auto& [name, value] : fields) {
      auto [it, inserted] = request_.headers.emplace(name, value);
      if (!inserted) it->second += ", " + value;
    }
    request_.peer_address = peer_;
    request_.tls = kTls;
    request_.body.clear();
    request_.client_gone = [probe = probe_] { return probe->Gone(); };

    // Refusals that need no body: answered as API envelopes, then closed
    // (the unread body makes the connection unusable).
    if (!framing_.content_encoding.empty() && framing_.content_encoding != "identity") {
      server_.Reject("content_encoding");
      return Answer(EnvelopeError(errc::kInvalidParameter,
                                  "Content-Encoding '" + framing_.content_encoding +
                                      "' is not supported; send the body uncompressed"),
                    /*keep_alive=*/false);
    }
    if (framing_.body == Framing::Body::kLength &&
        framing_.length > server_.options.max_body_bytes) {
      server_.Reject("body_too_large");
      return Answer(EnvelopeError(errc::kRequestSizeLimitExceeded,
                                  "request body is " + std::to_string(framing_.length) +
                                      " bytes; the limit is " +
                                      std::to_string(server_.options.max_body_bytes)),
                    false);
    }
    if (framing_.body == Framing::Body::kNone) return Dispatch();

    const size_t reserve = framing_.body == Framing::Body::kLength
                               ? static_cast<size_t>(framing_.length)
                               : server_.options.max_body_bytes;
    if (!server_.ReserveBody(reserve)) {
      server_.Reject("body_budget");
      return Answer(EnvelopeError(errc::kRequestLimitExceeded,
                                  "the server is receiving too many request bodies; retry later"),
                    false);
    }
    reserved_ = reserve;
    parser_->body_limit(server_.options.max_body_bytes);
    if (framing_.expect_continue) {
      Lowest().expires_after(std::chrono::milliseconds(server_.options.write_timeout_ms));
      net::async_write(stream_, net::buffer(kContinue, sizeof kContinue - 1),
                       [self = this->shared_from_this()](beast::error_code ec, size_t) {
                         if (ec) return self->Close();
                         self->ReadBody();
                       });
      return;
    }
    ReadBody();
  }

  static constexpr char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";

  // --- body ----------------------------------------------------------------

  void ReadBody() {
    Lowest().expires_after(std::chrono::milliseconds(server_.options.body_timeout_ms));
    http::async_read(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code ec, size_t) { self->OnBody(ec); });
  }

  void OnBody(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      server_.Reject("body_too_large");
      return Answer(EnvelopeError(errc::kRequestSizeLimitExceeded,
                                  "request body is over the limit of " +
                                      std::to_string(server_.options.max_body_bytes) + " bytes"),
                    false);
    }
    if (ec == beast::error::timeout) {
      server_.Reject("body_timeout");
      return Close();
    }
    if (ec == http::error::end_of_stream || ec == http::error::partial_message ||
        ec == net::error::eof || ec == net::error::connection_reset) {
      return Close();
    }
    if (ec) {
      server_.Reject("bad_body");
      return WriteBareAndClose(400, "Bad Request");
    }
    request_.body = std::move(parser_->get().body());
    Dispatch();
  }

  // --- handling and answering --------------------------------------------

  void Dispatch() {
    bool path_known = false;
    const Route* route = server_.router.Find(request_, &path_known);
    if (!route) {
      HttpResponse res;
      res.status = path_known ? 405 : 404;
      res.content_type = "text/plain";
      res.body = path_known ? "method not allowed\n" : "not found\n";
      return Answer(std::move(res), framing_.keep_alive);
    }
    handling_ = true;
    if (route->run_on == RunOn::kIoThread) return Answer(Run(*route), framing_.keep_alive);
    // The handler thread starts the write itself (no hop back to the
    // strand): the connection has no other operation pending while
    // handling_, and the write's completion runs on the strand.
    auto& pool = route->run_on == RunOn::kStorePool ? server_.store_handlers : server_.handlers;
    net::post(pool, [self = this->shared_from_this(), route] {
      self->Answer(self->Run(*route), self->framing_.keep_alive);
    });
  }

  HttpResponse Run(const Route& route) {
    try {
      return route.handler(request_);
    } catch (...) {
      return InternalErrorResponse(request_.path);
    }
  }

  // On the strand, or on a handler thread while handling_ (nothing else
  // touches the connection then). handling_ ends when the write completes.
  void Answer(HttpResponse res, bool keep_alive) {
    if (reserved_) {
      server_.ReleaseBody(reserved_);
      reserved_ = 0;
    }
    request_.body.clear();
    request_.body.shrink_to_fit();
    parser_.reset();
    keep_alive = keep_alive && !server_.stopping;
    if (res.shared_body) return AnswerShared(std::move(res), keep_alive);
    auto& msg = response_.emplace(static_cast<http::status>(res.status), 11);
    msg.set(http::field::content_type, res.content_type);
    for (auto& [name, value] : res.headers) msg.set(name, value);
    msg.body() = std::move(res.body);
    msg.keep_alive(keep_alive);
    msg.prepare_payload();
    Write(msg, keep_alive);
  }

  // The body is written from the shared buffer itself (gathered with the
  // head), which the connection keeps alive until the write completes.
  // A HEAD request gets the head alone, with the body's Content-Length.
  void AnswerShared(HttpResponse res, bool keep_alive) {
    shared_body_ = std::move(res.shared_body);
    auto& msg = shared_response_.emplace(static_cast<http::status>(res.status), 11);
    msg.set(http::field::content_type, res.content_type);
    for (auto& [name, value] : res.headers) msg.set(name, value);
    const bool head = request_.method == "HEAD";
    msg.body() = {shared_body_->data(), head ? 0 : shared_body_->size()};
    msg.content_length(shared_body_->size());
    msg.keep_alive(keep_alive);
    Write(msg, keep_alive);
  }

  template <class Message>
  void Write(Message& msg, bool keep_alive) {
    Lowest().expires_after(std::chrono::milliseconds(server_.options.write_timeout_ms));
    http::async_write(stream_, msg,
                      [self = this->shared_from_this(), keep_alive](beast::error_code ec, size_t) {
                        self->handling_ = false;
                        self->response_.reset();
                        self->shared_response_.reset();
                        self->shared_body_.reset();
                        if (ec) return self->Close();
                        if (!keep_alive) return self->LingerThenClose();
                        self->ReadHead();
                      });
  }

  void WriteBareAndClose(int status, const char* reason) {
    bare_ = BareResponse(status, reason);
    Lowest().expires_after(std::chrono::milliseconds(server_.options.write_timeout_ms));
    net::async_write(stream_, net::buffer(bare_),
                     [self = this->shared_from_this()](beast::error_code ec, size_t) {
                       if (ec) return self->Close();
                       self->LingerThenClose();
                     });
  }

  // After an answer that ends the connection, the client may still be
  // sending the body we refused; closing at once would reset the connection
  // and lose the answer (the SDK reports EPIPE instead of the envelope). So,
  // like nginx's lingering close: stop sending, read and discard what comes
  // for a short while, then close.
  void LingerThenClose() {
    if constexpr (!kTls) {
      beast::error_code ignored;
      Lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
    }
    Lowest().expires_after(kLinger);
    discard_ = std::make_unique<char[]>(kReadChunk);
    Discard();
  }

  void Discard() {
    stream_.async_read_some(net::buffer(discard_.get(), kReadChunk),
                            [self = this->shared_from_this()](beast::error_code ec, size_t n) {
                              self->discarded_ += n;
                              if (ec || self->discarded_ > kLingerMaxBytes) return self->Close();
                              self->Discard();
                            });
  }

  static constexpr auto kLinger = std::chrono::seconds(3);
  static constexpr size_t kLingerMaxBytes = 64u << 20;

  HttpServer::Impl& server_;
  Stream stream_;
  const std::string peer_;
  const uint64_t id_;
  std::shared_ptr<PeerProbe> probe_;

  // Used on the connection's strand only.
  beast::flat_buffer buffer_;
  std::optional<std::chrono::steady_clock::time_point> head_deadline_;
  std::optional<http::request_parser<http::string_body>> parser_;
  Framing framing_;
  HttpRequest request_;
  std::optional<http::response<http::string_body>> response_;
  std::optional<http::response<http::span_body<const char>>> shared_response_;
  std::shared_ptr<const std::string> shared_body_;  // what shared_response_ points into
  std::string bare_;
  std::unique_ptr<char[]> discard_;  // lingering close only
  size_t discarded_ = 0;
  size_t reserved_ = 0;
  std::atomic<bool> handling_{false};  // a request is being answered (CloseIfIdle leaves it)
  bool closed_ = false;
};

}  // namespace

void HttpServer::Impl::Accept() {
  acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec == net::error::operation_aborted || !acceptor.is_open()) return;  // stopped
      // Out of descriptors or memory: back off instead of spinning.
      spdlog::warn("accept failed: {}", ec.message());
      auto timer = std::make_shared<net::steady_timer>(ioc, 100ms);
      timer->async_wait([this, timer](beast::error_code) { Accept(); });
      return;
    }
    {
      std::lock_guard lock(mu);
      if (stopping || connections >= options.max_connections) {
        Reject("max_connections");
        beast::error_code ignored;
        socket.close(ignored);
        return Accept();
      }
      connections++;
    }
    beast::error_code peer_ec;
    // Answers are written whole (one gather write): nothing to gain from Nagle.
    socket.set_option(tcp::no_delay(true), peer_ec);
    const auto endpoint = socket.remote_endpoint(peer_ec);
    std::string peer = peer_ec ? "" : endpoint.address().to_string();
    const uint64_t id = next_session_id++;
    if (use_tls) {
      std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(
          *this, beast::ssl_stream<beast::tcp_stream>(std::move(socket), tls), std::move(peer), id)
          ->Start();
    } else {
      std::make_shared<Session<beast::tcp_stream>>(*this, beast::tcp_stream(std::move(socket)),
                                                   std::move(peer), id)
          ->Start();
    }
    Accept();
  });
}

// ---------------------------------------------------------------------------

HttpServer::HttpServer(HttpOptions options, HttpRouter router, metrics::CounterFamily* rejected)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(router), rejected)) {}

HttpServer::~HttpServer() {
  if (!impl_->ioc.stopped()) impl_->ioc.stop();
  impl_->handlers.join();
  impl_->store_handlers.join();
}

int HttpServer::port() const {
  return impl_->bound_port;
}

Status HttpServer::Bind() {
  Impl& s = *impl_;
  const std::string where = s.options.host + ":" + std::to_string(s.options.port);
  if (!s.options.tls_cert_file.empty() || !s.options.tls_key_file.empty()) {
    if (s.options.tls_cert_file.empty() || s.options.tls_key_file.empty())
      return Status(errc::kInvalidParameterValue, "--tls-cert and --tls-key go together");
    beast::error_code ec;
    s.tls.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                      ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                      ssl::context::single_dh_use);
    s.tls.use_certificate_chain_file(s.options.tls_cert_file, ec);
    if (ec)
      return Status(errc::kInvalidParameterValue,
                    "cannot load TLS certificate " + s.options.tls_cert_file + ": " + ec.message());
    s.tls.use_private_key_file(s.options.tls_key_file, ssl::context::pem, ec);
    if (ec)
      return Status(errc::kInvalidParameterValue,
                    "cannot load TLS key " + s.options.tls_key_file + ": " + ec.message());
    s.use_tls = true;
  }
  beast::error_code ec;
  tcp::resolver resolver(s.ioc);
  auto endpoints =
      resolver.resolve(s.options.host, std::to_string(s.options.port), tcp::resolver::passive, ec);
  if (ec || endpoints.empty())
    return Status(errc::kInternalError, "cannot listen on " + where + ": " + ec.message());
  const tcp::endpoint endpoint = *endpoints.begin();
  s.acceptor.open(endpoint.protocol(), ec);
  // SO_REUSEADDR only (a restart may bind over TIME_WAIT); never
  // SO_REUSEPORT, which would let a second `serve` share the port.
  if (!ec) s.acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor.bind(endpoint, ec);
  if (!ec) s.acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return Status(errc::kInternalError, "cannot listen on " + where + ": " + ec.message());
  s.bound_port = s.acceptor.local_endpoint().port();
  return Status::Ok();
}

Status HttpServer::Serve() {
  Impl& s = *impl_;
  spdlog::info("listening on {}:{}{}", s.options.host, s.bound_port, s.use_tls ? " (TLS)" : "");
  auto work = net::make_work_guard(s.ioc);
  s.Accept();
  std::vector<std::thread> io;
  for (int i = 0; i < std::max(1, s.options.io_threads); ++i) io.emplace_back([&] { s.ioc.run(); });
  {
    std::unique_lock lock(s.mu);
    s.cv.wait(lock, [&] { return s.stopping && s.connections == 0; });
  }
  work.reset();
  s.ioc.stop();
  for (auto& t : io) t.join();
  s.handlers.join();
  s.store_handlers.join();
  return Status::Ok();
}

Status HttpServer::Run() {
  RETURN_IF_ERROR(Bind());
  return Serve();
}

void HttpServer::Stop() {
  Impl& s = *impl_;
  net::post(s.ioc, [&s] {
    beast::error_code ec;
    s.acceptor.close(ec);
    std::vector<std::function<void()>> closers;
    {
      std::lock_guard lock(s.mu);
      s.stopping = true;
      for (auto& [id, close] : s.sessions) closers.push_back(close);
      s.cv.notify_all();
    }
    for (auto& close : closers) close();
  });
}

}  // namespace kanjian::server
