// SqliteTxn: alerts (the alert_subscriptions, alert_notices and
// alert_deliveries tables; billing/alerts/alerts.h says what they mean).
// Each statement is a named constant beside the function that runs it.
#include "common/error_codes.h"
#include "store/sqlite_rows.h"
#include "store/sqlite_txn.h"

namespace kanjian::store {

namespace {

constexpr char kSelectSubscription[] =
    "SELECT account_id,email,webhook_url,secret,kinds,language,updated_at "
    "FROM alert_subscriptions WHERE account_id=?1";
constexpr char kSelectSubscriptions[] =
    "SELECT account_id,email,webhook_url,secret,kinds,language,updated_at "
    "FROM alert_subscriptions ORDER BY account_id";
constexpr char kUpsertSubscription[] =
    "INSERT INTO alert_subscriptions(account_id,email,webhook_url,secret,kinds,language,"
    "updated_at) VALUES(?1,?2,?3,?4,?5,?6,?7) ON CONFLICT(account_id) DO UPDATE SET "
    "email=excluded.email,webhook_url=excluded.webhook_url,secret=excluded.secret,"
    "kinds=excluded.kinds,language=excluded.language,updated_at=excluded.updated_at";
constexpr char kDeleteSubscription[] = "DELETE FROM alert_subscriptions WHERE account_id=?1";
constexpr char kInsertAlertNotice[] =
    "INSERT INTO alert_notices(account_id,key,first_seen_at) VALUES(?1,?2,?3) "
    "ON CONFLICT DO NOTHING";
constexpr char kSelectAlertNotices[] =
    "SELECT account_id,key,first_seen_at FROM alert_notices WHERE account_id=?1 ORDER BY key";
constexpr char kInsertDelivery[] =
    "INSERT INTO alert_deliveries(account_id,notice_key,kind,channel,target,subject,body,status,"
    "attempts,created_at,next_attempt_at,last_attempt_at,log) "
    "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13)";
constexpr char kUpdateDelivery[] =
    "UPDATE alert_deliveries SET status=?2,attempts=?3,next_attempt_at=?4,last_attempt_at=?5,"
    "log=?6,target=?8 WHERE id=?1 AND next_attempt_at=?7";
#define KANJIAN_DELIVERY_COLUMNS                                                                 \
  "SELECT id,account_id,notice_key,kind,channel,target,subject,body,status,attempts,created_at," \
  "next_attempt_at,last_attempt_at,log FROM alert_deliveries "
constexpr char kSelectDue[] = KANJIAN_DELIVERY_COLUMNS
    "WHERE status='pending' AND next_attempt_at<=?1 ORDER BY next_attempt_at,id LIMIT ?2";
constexpr char kSelectDeliveries[] =
    KANJIAN_DELIVERY_COLUMNS "WHERE account_id=?1 ORDER BY id DESC LIMIT ?2";
#undef KANJIAN_DELIVERY_COLUMNS

AlertSubscription ReadSubscription(Statement& s) {
  AlertSubscription out;
  out.account_id = s.Text(0);
  out.email = s.Text(1);
  out.webhook_url = s.Text(2);
  out.secret = s.Text(3);
  out.kinds = SplitKinds(s.Text(4));
  out.language = s.Text(5);
  out.updated_at = s.Int(6);
  return out;
}

AlertDelivery ReadDelivery(Statement& s) {
  AlertDelivery d;
  d.id = s.Int(0);
  d.account_id = s.Text(1);
  d.notice_key = s.Text(2);
  d.kind = s.Text(3);
  d.channel = s.Text(4);
  d.target = s.Text(5);
  d.subject = s.Text(6);
  d.body = s.Text(7);
  d.status = s.Text(8);
  d.attempts = s.Int(9);
  d.created_at = s.Int(10);
  d.next_attempt_at = s.Int(11);
  d.last_attempt_at = s.Int(12);
  d.log = s.Text(13);
  return d;
}

}  // namespace

Result<std::optional<AlertSubscription>> SqliteTxn::FindAlertSubscription(
    std::string_view account_id) {
  auto s = cache_.Get(kSelectSubscription);
  s->Bind(1, account_id);
  std::optional<AlertSubscription> out;
  if (s->Step()) out = ReadSubscription(*s);
  if (!s->status().ok()) return s->status();
  return out;
}

Status SqliteTxn::SetAlertSubscription(std::string_view account_id,
                                       const std::optional<AlertSubscription>& sub) {
  auto s = cache_.Get(sub ? kUpsertSubscription : kDeleteSubscription);
  s->Bind(1, account_id);
  if (sub) {
    s->Bind(2, sub->email)
        .Bind(3, sub->webhook_url)
        .Bind(4, sub->secret)
        .Bind(5, JoinKinds(sub->kinds))
        .Bind(6, sub->language)
        .Bind(7, sub->updated_at);
  }
  s->Step();
  return s->status();
}

Result<std::vector<AlertSubscription>> SqliteTxn::ListAlertSubscriptions() {
  auto s = cache_.Get(kSelectSubscriptions);
  return Collect<AlertSubscription>(*s, ReadSubscription);
}

Result<bool> SqliteTxn::InsertAlertNotice(const AlertNotice& notice) {
  auto s = cache_.Get(kInsertAlertNotice);
  s->Bind(1, notice.account_id).Bind(2, notice.key).Bind(3, notice.first_seen_at).Step();
  if (!s->status().ok()) return s->status();
  return sqlite3_changes(cache_.db()) > 0;
}

Result<std::vector<AlertNotice>> SqliteTxn::ListAlertNotices(std::string_view account_id) {
  auto s = cache_.Get(kSelectAlertNotices);
  s->Bind(1, account_id);
  return Collect<AlertNotice>(*s, [](Statement& r) {
    return AlertNotice{r.Text(0), r.Text(1), r.Int(2)};
  });
}

Result<int64_t> SqliteTxn::InsertAlertDelivery(const AlertDelivery& d) {
  auto s = cache_.Get(kInsertDelivery);
  s->Bind(1, d.account_id)
      .Bind(2, d.notice_key)
      .Bind(3, d.kind)
      .Bind(4, d.channel)
      .Bind(5, d.target)
      .Bind(6, d.subject)
      .Bind(7, d.body)
      .Bind(8, d.status)
      .Bind(9, d.attempts)
      .Bind(10, d.created_at)
      .Bind(11, d.next_attempt_at)
      .Bind(12, d.last_attempt_at)
      .Bind(13, d.log)
      .Step();
  if (!s->status().ok()) return s->status();
  return static_cast<int64_t>(sqlite3_last_insert_rowid(cache_.db()));
}

Result<bool> SqliteTxn::UpdateAlertDelivery(const AlertDelivery& d, UnixMicros expected_next_at) {
  auto s = cache_.Get(kUpdateDelivery);
  s->Bind(1, d.id)
      .Bind(2, d.status)
      .Bind(3, d.attempts)
      .Bind(4, d.next_attempt_at)
      .Bind(5, d.last_attempt_at)
      .Bind(6, d.log)
      .Bind(7, expected_next_at)
      .Bind(8, d.target)
      .Step();
  if (!s->status().ok()) return s->status();
  return sqlite3_changes(cache_.db()) > 0;
}

Result<std::vector<AlertDelivery>> SqliteTxn::ListDueAlertDeliveries(UnixMicros now,
                                                                     int64_t limit) {
  auto s = cache_.Get(kSelectDue);
  s->Bind(1, now).Bind(2, limit);
  return Collect<AlertDelivery>(*s, ReadDelivery);
}

Result<std::vector<AlertDelivery>> SqliteTxn::ListAlertDeliveries(std::string_view account_id,
                                                                  int64_t limit) {
  auto s = cache_.Get(kSelectDeliveries);
  s->Bind(1, account_id).Bind(2, limit);
  return Collect<AlertDelivery>(*s, ReadDelivery);
}

}  // namespace kanjian::store
