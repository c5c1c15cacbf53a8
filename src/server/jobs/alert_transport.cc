#include "server/jobs/alert_transport.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <memory>

#include "common/ascii.h"
#include "common/crypto.h"
#include "server/address_policy.h"
#include "server/curl_init.h"

namespace kanjian::server {
namespace {

using billing::AlertAttempt;

struct SocketPolicy {
  bool allow_loopback = false;
  bool refused = false;  // a connection was refused by the policy
};

// The address policy, applied to every address curl is about to connect to.
curl_socket_t OnOpenAlertSocket(void* user, curlsocktype purpose, curl_sockaddr* address) {
  auto* p = static_cast<SocketPolicy*>(user);
  if (purpose != CURLSOCKTYPE_IPCXN || !AddressAllowed(&address->addr, p->allow_loopback)) {
    p->refused = true;
    return CURL_SOCKET_BAD;
  }
  return socket(address->family, address->socktype, address->protocol);
}

size_t Discard(char*, size_t size, size_t count, void*) {
  return size * count;
}

struct Reader {
  std::string data;
  size_t at = 0;
};

size_t OnRead(char* out, size_t size, size_t count, void* user) {
  auto* r = static_cast<Reader*>(user);
  const size_t n = std::min(size * count, r->data.size() - r->at);
  // Bytes of a body, not a string: nothing to terminate.
  // NOLINTNEXTLINE(bugprone-not-null-terminated-result)
  std::memcpy(out, r->data.data() + r->at, n);
  r->at += n;
  return n;
}

std::string Part(CURLU* u, CURLUPart which) {
  char* value = nullptr;
  if (curl_url_get(u, which, &value, which == CURLUPART_PORT ? CURLU_DEFAULT_PORT : 0) !=
          CURLUE_OK ||
      !value)
    return "";
  std::string out(value);
  curl_free(value);
  return out;
}

}  // namespace

CurlAlertTransport::CurlAlertTransport(AlertTransportOptions options)
    : options_(std::move(options)) {
  CurlGlobalInitOnce();
}

AlertAttempt CurlAlertTransport::PostWebhook(const std::string& url, const Headers& headers,
                                             const std::string& body) {
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> u(curl_url(), &curl_url_cleanup);
  if (!u || curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK)
    return {false, "not a valid URL"};
  const std::string scheme = AsciiLower(Part(u.get(), CURLUPART_SCHEME));
  if (scheme != "http" && scheme != "https") return {false, "not an http(s) URL"};
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> header_list(nullptr,
                                                                          &curl_slist_free_all);
  for (const auto& [name, value] : headers)
    header_list.reset(curl_slist_append(header_list.release(), (name + ": " + value).c_str()));
  header_list.reset(curl_slist_append(header_list.release(), "Expect:"));
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl) return {false, "cannot start a request"};
  // curl resolves the host within the attempt's time limit; every address
  // it then connects to passes the policy in OnOpenAlertSocket, so no answer of
  // the resolver (a private address, a rebinding) is ever connected to.
  SocketPolicy policy{options_.allow_loopback_for_tests};
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_PROXY, "");  // ignore http_proxy & co. from the environment
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, long(options_.timeout_ms));
  curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, &OnOpenAlertSocket);
  curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &policy);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, header_list.get());
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.size()));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &Discard);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "kanjian-alerts/1");
  const CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK && policy.refused)
    return {false, "refused: the host resolves to a non-public address"};
  if (rc != CURLE_OK) return {false, curl_easy_strerror(rc)};
  long code = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
  return {code >= 200 && code < 300, "HTTP " + std::to_string(code)};
}

AlertAttempt CurlAlertTransport::SendEmail(const std::string& to, const std::string& subject,
                                           const std::string& text) {
  if (options_.smtp_url.empty()) return {false, "no SMTP server configured (smtp-url)"};
  char date[64];
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  Reader reader{MailMessage(options_.smtp_from, to, subject, text, date)};
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> rcpt(
      curl_slist_append(nullptr, ("<" + to + ">").c_str()), &curl_slist_free_all);
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl) return {false, "cannot start a request"};
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, options_.smtp_url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(c, CURLOPT_USE_SSL, long(CURLUSESSL_TRY));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, long(options_.timeout_ms));
  if (!options_.smtp_user.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, options_.smtp_user.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, options_.smtp_password.c_str());
  }
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, ("<" + options_.smtp_from + ">").c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt.get());
  curl_easy_setopt(c, CURLOPT_READFUNCTION, &OnRead);
  curl_easy_setopt(c, CURLOPT_READDATA, &reader);
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  const CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) return {false, curl_easy_strerror(rc)};
  long code = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
  return {true, "SMTP " + std::to_string(code)};
}

std::string MailMessage(const std::string& from, const std::string& to, const std::string& subject,
                        const std::string& text, const std::string& date) {
  return "Date: " + date + "\r\nFrom: <" + from + ">\r\nTo: <" + to + ">\r\nSubject: =?UTF-8?B?" +
         crypto::Base64Encode(subject) +
         "?=\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
         "Content-Transfer-Encoding: 8bit\r\n\r\n" +
         text;
}

}  // namespace kanjian::server
