#include "billing/alerts/alert_service.h"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>
#include <set>

#include "common/crypto.h"
#include "common/error_codes.h"
#include "common/iso8601.h"

namespace kanjian::billing {
namespace {

// A claimed delivery is not due again for this long: the time one attempt
// may take (the transports' own timeouts are far shorter), after which a
// node that died mid-attempt leaves it to another.
constexpr UnixMicros kClaimLease = 10LL * 60 * 1'000'000;

bool CleanText(const std::string& s, std::string_view forbidden) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f || forbidden.find(static_cast<char>(c)) != std::string_view::npos)
      return false;
  return true;
}

Status CheckRequest(const AlertRequest& r) {
  const size_t at = r.email.find('@');
  if (!r.email.empty() &&
      (r.email.size() > 254 || at == 0 || at == std::string::npos || at + 1 == r.email.size() ||
       r.email.find('@', at + 1) != std::string::npos || !CleanText(r.email, " <>,;:\"()[]\\")))
    return Status(errc::kInvalidParameterValue, "Email is not an e-mail address");
  if (!r.webhook_url.empty() &&
      (r.webhook_url.size() > 2048 || !CleanText(r.webhook_url, " <>\"\\") ||
       (r.webhook_url.rfind("https://", 0) != 0 && r.webhook_url.rfind("http://", 0) != 0)))
    return Status(errc::kInvalidParameterValue, "WebhookUrl must be an http:// or https:// URL");
  if (r.language != "en" && r.language != "zh-CN")
    return Status(errc::kInvalidParameterValue, "Language must be en or zh-CN");
  for (const std::string& k : r.kinds)
    if (!IsAlertKind(k)) return Status(errc::kInvalidParameterValue, "no notice kind '" + k + "'");
  return Status::Ok();
}

std::string SecretAad(const std::string& account_id) {
  return "alert-secret:" + account_id;
}

}  // namespace

Result<std::optional<store::AlertSubscription>> AlertService::Find(
    store::Txn& txn, const std::string& account_id) const {
  auto found = txn.FindAlertSubscription(account_id);
  if (!found.ok() || !*found) return found;
  auto sealed = crypto::Unhex((*found)->secret);
  auto opened = sealed.ok() ? box_.Open(*sealed, SecretAad(account_id))
                            : Result<std::string>(sealed.status());
  if (!opened.ok())
    return Status(errc::kInternalError,
                  "the webhook secret of " + account_id + " does not open with the master key");
  (*found)->secret = std::move(opened).value();
  return found;
}

Result<std::optional<store::AlertSubscription>> AlertService::Subscribe(
    const std::string& account_id, const AlertRequest& request) {
  RETURN_IF_ERROR(CheckRequest(request));
  std::optional<store::AlertSubscription> out;
  RETURN_IF_ERROR(store_.Write([&](store::Txn& txn) -> Status {
    out.reset();
    RETURN_IF_ERROR(txn.FindAccount(account_id));
    if (request.email.empty() && request.webhook_url.empty())
      return txn.SetAlertSubscription(account_id, std::nullopt);
    auto old = Find(txn, account_id);
    if (!old.ok() && !request.new_secret) return old.status();
    store::AlertSubscription sub{account_id,    request.email,    request.webhook_url, "",
                                 request.kinds, request.language, clock_.NowMicros()};
    sub.secret = old.ok() && *old && !request.new_secret ? (*old)->secret
                                                         : crypto::Hex(crypto::RandomBytes(32));
    out = sub;
    sub.secret = crypto::Hex(box_.Seal(sub.secret, SecretAad(account_id)));
    return txn.SetAlertSubscription(account_id, sub);
  }));
  return out;
}

Result<std::optional<store::AlertSubscription>> AlertService::Subscription(
    const std::string& account_id) {
  std::optional<store::AlertSubscription> out;
  RETURN_IF_ERROR(store_.Read([&](store::Txn& txn) -> Status {
    ASSIGN_OR_RETURN(out, Find(txn, account_id));
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<store::AlertDelivery>> AlertService::Deliveries(const std::string& account_id,
                                                                   int64_t limit) {
  std::vector<store::AlertDelivery> out;
  RETURN_IF_ERROR(store_.Read([&](store::Txn& txn) -> Status {
    ASSIGN_OR_RETURN(out, txn.ListAlertDeliveries(account_id, limit));
    return Status::Ok();
  }));
  return out;
}

Status AlertService::Stamp(const std::string& account_id, std::vector<TenantNotice>& notices) {
  ASSIGN_OR_RETURN(auto month, view_.CurrentMonth());
  std::map<std::string, UnixMicros> seen;
  RETURN_IF_ERROR(store_.Read([&](store::Txn& txn) -> Status {
    ASSIGN_OR_RETURN(auto found, txn.ListAlertNotices(account_id));
    for (const auto& n : found) seen[n.key] = n.first_seen_at;
    return Status::Ok();
  }));
  for (TenantNotice& n : notices) {
    auto it = seen.find(AlertKey(n, month.ToString()));
    if (it != seen.end()) n.since = it->second;
  }
  return Status::Ok();
}

AlertPass AlertService::RunOnce(AlertTransport& transport) {
  AlertPass pass;
  std::vector<store::AlertSubscription> subs;
  Status s = store_.Read([&](store::Txn& txn) -> Status {
    ASSIGN_OR_RETURN(subs, txn.ListAlertSubscriptions());
    return Status::Ok();
  });
  auto month = view_.CurrentMonth();
  auto offset = view_.OffsetNow();
  if (!s.ok() || !month.ok() || !offset.ok()) {
    spdlog::error("alerts: {}", (!s.ok()       ? s
                                 : !month.ok() ? month.status()
                                               : offset.status())
                                    .ToString());
    pass.errors++;
    return pass;
  }
  for (const auto& sub : subs) {
    if (Status c = Collect(sub, month->ToString(), *offset, pass); !c.ok()) {
      spdlog::error("alerts: notices of {}: {}", sub.account_id, c.ToString());
      pass.errors++;
    }
  }
  std::vector<store::AlertDelivery> due;
  s = store_.Read([&](store::Txn& txn) -> Status {
    ASSIGN_OR_RETURN(due, txn.ListDueAlertDeliveries(clock_.NowMicros(), options_.batch));
    return Status::Ok();
  });
  if (!s.ok()) {
    spdlog::error("alerts: outbox: {}", s.ToString());
    pass.errors++;
  }
  // A receiver that failed once in this pass is not tried again in it, so
  // one that hangs costs a pass one timeout, not one per delivery.
  std::set<std::string> failing;
  for (auto& d : due) {
    if (failing.contains(d.target)) continue;
    const std::string target = d.target;
    if (!Deliver(std::move(d), transport, pass)) failing.insert(target);
  }
  return pass;
}

Status AlertService::Collect(const store::AlertSubscription& sub, const std::string& month,
                             int offset, AlertPass& pass) {
  ASSIGN_OR_RETURN(auto notices, view_.Notices(sub.account_id));
  std::optional<store::Bill> latest;
  Status s = store_.Read([&](store::Txn& txn) -> Status {
    auto bill = txn.LatestBill(sub.account_id);
    if (bill.ok()) latest = *bill;
    return bill.status();
  });
  if (!s.ok()) return s;
  const UnixMicros now = clock_.NowMicros();
  if (auto bill = BillSettledNotice(latest, now)) notices.push_back(*bill);
  int64_t created = 0;
  s = store_.Write([&](store::Txn& txn) -> Status {
    created = 0;
    for (const TenantNotice& n : notices) {
      const std::string key = AlertKey(n, month);
      ASSIGN_OR_RETURN(auto fresh, txn.InsertAlertNotice({sub.account_id, key, now}));
      if (!fresh || !Wants(sub, n.kind)) continue;
      ++created;
      const std::string link = options_.console_url + "/console/" + std::string(AlertLink(n.kind));
      const std::string at = FormatIso8601(n.at, offset);
      store::AlertDelivery d;
      d.account_id = sub.account_id;
      d.notice_key = key;
      d.kind = n.kind;
      d.created_at = d.next_attempt_at = now;
      d.log = "[]";
      for (const std::string_view channel : {"email", "webhook"}) {
        d.channel = std::string(channel);
        d.target = channel == "email" ? sub.email : sub.webhook_url;
        if (d.target.empty()) continue;
        if (channel == "email") {
          AlertText text = EmailText(n, sub.language, link, at);
          d.subject = std::move(text.subject);
          d.body = std::move(text.text);
        } else {
          d.subject.clear();
          d.body = WebhookBody(n, sub.account_id, key, link, at);
        }
        RETURN_IF_ERROR(txn.InsertAlertDelivery(d));
      }
    }
    return Status::Ok();
  });
  if (s.ok()) pass.new_notices += created;
  return s;
}

bool AlertService::Deliver(store::AlertDelivery d, AlertTransport& transport, AlertPass& pass) {
  const UnixMicros now = clock_.NowMicros();
  store::AlertDelivery claimed = d;
  claimed.attempts++;
  claimed.last_attempt_at = now;
  claimed.next_attempt_at = now + kClaimLease;
  std::optional<store::AlertSubscription> sub;
  bool mine = false;
  Status s = store_.Write([&](store::Txn& txn) -> Status {
    ASSIGN_OR_RETURN(auto found, Find(txn, d.account_id));
    sub = found;
    auto won = txn.UpdateAlertDelivery(claimed, d.next_attempt_at);
    if (won.ok()) mine = *won;
    return won.status();
  });
  if (!s.ok() || !mine) {
    if (!s.ok()) pass.errors++;
    return true;
  }
  // Sent where the subscription points now: a tenant who corrected an
  // address wants the retries there.
  AlertAttempt attempt;
  if (sub) claimed.target = d.channel == "webhook" ? sub->webhook_url : sub->email;
  if (!sub || claimed.target.empty()) {
    attempt.result = !sub ? "unsubscribed" : "channel removed";
  } else if (d.channel == "webhook") {
    const int64_t ts = now / 1'000'000;
    attempt =
        transport.PostWebhook(claimed.target,
                              {{"Content-Type", "application/json"},
                               {"X-Kanjian-Delivery", std::to_string(d.id)},
                               {"X-Kanjian-Timestamp", std::to_string(ts)},
                               {"X-Kanjian-Signature", WebhookSignature(sub->secret, ts, d.body)}},
                              d.body);
  } else {
    attempt = transport.SendEmail(claimed.target, d.subject, d.body);
  }
  store::AlertDelivery done = claimed;
  const bool last = !sub || claimed.target.empty() || claimed.attempts >= kAlertMaxAttempts;
  done.status = attempt.delivered ? "delivered" : last ? "failed" : "pending";
  done.next_attempt_at =
      done.status == "pending" ? now + RetryDelay(claimed.attempts, options_.first_retry) : now;
  nlohmann::json log = nlohmann::json::parse(d.log, nullptr, false);
  if (!log.is_array()) log = nlohmann::json::array();
  log.push_back({{"At", now},
                 {"Result", attempt.result},
                 {"NextAt", done.status == "pending" ? nlohmann::json(done.next_attempt_at)
                                                     : nlohmann::json(nullptr)}});
  done.log = log.dump();
  s = store_.Write([&](store::Txn& txn) -> Status {
    auto r = txn.UpdateAlertDelivery(done, claimed.next_attempt_at);
    return r.ok() ? Status::Ok() : r.status();
  });
  if (!s.ok()) {
    spdlog::error("alerts: delivery {}: {}", d.id, s.ToString());
    pass.errors++;
    return attempt.delivered;
  }
  (attempt.delivered ? pass.delivered : done.status == "failed" ? pass.failed : pass.retrying)++;
  spdlog::info("alert {} {} {} for {}: attempt {}: {}{}", d.id, d.kind, d.channel, d.account_id,
               done.attempts, attempt.result,
               done.status == "pending"  ? " (retrying)"
               : done.status == "failed" ? " (gave up)"
                                         : "");
  return attempt.delivered;
}

}  // namespace kanjian::billing
