// The HTTP/1.1 transport of `kanjian serve`, on Boost.Beast/Asio (Debian
// libboost1.81-dev), plain or TLS (OpenSSL). It is event-driven: a slow or
// idle connection costs a few KiB of memory, never a thread. Every phase has
// a deadline (idle keep-alive, request head, body, write), every size a cap
// (head bytes, header fields, body, all bodies buffered at once, connections),
// and framing is strict per RFC 9112 — see docs/operators/http.md for each answer.
// Complete requests go to the HttpRouter: cheap routes run on the I/O
// threads, the rest on a handler pool (or, for routes that wait only on the
// store, a store pool), so /healthz stays prompt while every handler waits
// on inference.
#pragma once

#include <memory>
#include <string>

#include "common/metrics.h"
#include "common/status.h"
#include "server/http/http_router.h"

namespace kanjian::server {

struct HttpOptions {
  std::string host = "127.0.0.1";
  int port = 8080;           // 0 = any free port (tests)
  int io_threads = 2;        // socket I/O, TLS, framing, inline routes
  int handler_threads = 16;  // routes that may block (the API: waits on inference)
  // Routes that wait only on the store (billing API, consoles): the
  // PostgreSQL store's pool holds 8 connections, and a thread more than
  // there are connections only waits for one (2 more context switches per
  // request; bench/signed_rps.sh, docs/developers/benchmarks.md).
  int store_threads = 8;
  int max_connections = 1024;  // beyond this a new connection is closed at once
  // Request line + headers: a GET carries its parameters in the query, and
  // the public cloud takes GET requests up to 32 KB.
  size_t max_head_bytes = size_t{40} * 1024;
  int max_header_fields = 64;
  size_t max_body_bytes = kDefaultMaxBodyBytes;  // → RequestSizeLimitExceeded, unread
  size_t max_buffered_body_bytes = 256u << 20;   // all connections' bodies together
  int idle_timeout_ms = 30000;    // keep-alive wait for the next request's first byte
  int header_timeout_ms = 10000;  // from a request's first byte to the end of its head
  int body_timeout_ms = 30000;    // the whole body
  int write_timeout_ms = 30000;   // a client that does not read its answer
  std::string tls_cert_file;      // both set = TLS only on this listener
  std::string tls_key_file;
};

class HttpServer {
 public:
  // `rejected` (may be null) counts what the transport refused, by reason.
  HttpServer(HttpOptions options, HttpRouter router, metrics::CounterFamily* rejected = nullptr);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Loads the TLS certificate (if any) and binds (SO_REUSEADDR only: a port
  // in use fails). Then Serve() blocks until Stop().
  Status Bind();
  int port() const;
  // Returns once stopped and every in-flight request has been answered.
  Status Serve();
  Status Run();
  // Safe from any thread (e.g. the SIGTERM watcher): stops accepting, closes
  // idle connections, lets requests being handled finish.
  void Stop();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace kanjian::server
