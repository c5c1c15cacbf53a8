// Alerts on PostgreSQL: subscriptions, the first sighting of each notice,
// and the outbox with its delivery log (as store/sqlite_alerts.cc).
#include "common/error_codes.h"
#include "store/pg/pg_txn.h"

namespace kanjian::store::pg {
namespace {

constexpr char kSelectSubscription[] =
    "SELECT account_id,email,webhook_url,secret,kinds,language,updated_at "
    "FROM alert_subscriptions WHERE account_id=$1";
constexpr char kSelectSubscriptions[] =
    "SELECT account_id,email,webhook_url,secret,kinds,language,updated_at "
    "FROM alert_subscriptions ORDER BY account_id";
constexpr char kUpsertSubscription[] =
    "INSERT INTO alert_subscriptions(account_id,email,webhook_url,secret,kinds,language,"
    "updated_at) VALUES($1,$2,$3,$4,$5,$6,$7) ON CONFLICT(account_id) DO UPDATE SET "
    "email=excluded.email,webhook_url=excluded.webhook_url,secret=excluded.secret,"
    "kinds=excluded.kinds,language=excluded.language,updated_at=excluded.updated_at";
constexpr char kDeleteSubscription[] = "DELETE FROM alert_subscriptions WHERE account_id=$1";
constexpr char kInsertAlertNotice[] =
    "INSERT INTO alert_notices(account_id,key,first_seen_at) VALUES($1,$2,$3) "
    "ON CONFLICT DO NOTHING";
constexpr char kSelectAlertNotices[] =
    "SELECT account_id,key,first_seen_at FROM alert_notices WHERE account_id=$1 ORDER BY key";
constexpr char kInsertDelivery[] =
    "INSERT INTO alert_deliveries(account_id,notice_key,kind,channel,target,subject,body,status,"
    "attempts,created_at,next_attempt_at,last_attempt_at,log) "
    "VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13) RETURNING id";
constexpr char kUpdateDelivery[] =
    "UPDATE alert_deliveries SET status=$2,attempts=$3,next_attempt_at=$4,last_attempt_at=$5,"
    "log=$6,target=$8 WHERE id=$1 AND next_attempt_at=$7";
#define KANJIAN_DELIVERY_COLUMNS                                                                 \
  "SELECT id,account_id,notice_key,kind,channel,target,subject,body,status,attempts,created_at," \
  "next_attempt_at,last_attempt_at,log FROM alert_deliveries "
constexpr char kSelectDue[] = KANJIAN_DELIVERY_COLUMNS
    "WHERE status='pending' AND next_attempt_at<=$1 ORDER BY next_attempt_at,id LIMIT $2";
constexpr char kSelectDeliveries[] =
    KANJIAN_DELIVERY_COLUMNS "WHERE account_id=$1 ORDER BY id DESC LIMIT $2";
#undef KANJIAN_DELIVERY_COLUMNS

AlertSubscription ReadSubscription(const PgResult& r, int i) {
  AlertSubscription out;
  out.account_id = r.Text(i, 0);
  out.email = r.Text(i, 1);
  out.webhook_url = r.Text(i, 2);
  out.secret = r.Text(i, 3);
  out.kinds = SplitKinds(r.Text(i, 4));
  out.language = r.Text(i, 5);
  out.updated_at = r.Int(i, 6);
  return out;
}

std::vector<AlertDelivery> ReadDeliveries(const PgResult& r) {
  std::vector<AlertDelivery> out;
  for (int i = 0; i < r.rows(); ++i) {
    AlertDelivery d;
    d.id = r.Int(i, 0);
    d.account_id = r.Text(i, 1);
    d.notice_key = r.Text(i, 2);
    d.kind = r.Text(i, 3);
    d.channel = r.Text(i, 4);
    d.target = r.Text(i, 5);
    d.subject = r.Text(i, 6);
    d.body = r.Text(i, 7);
    d.status = r.Text(i, 8);
    d.attempts = r.Int(i, 9);
    d.created_at = r.Int(i, 10);
    d.next_attempt_at = r.Int(i, 11);
    d.last_attempt_at = r.Int(i, 12);
    d.log = r.Text(i, 13);
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace

Result<std::optional<AlertSubscription>> PgTxn::FindAlertSubscription(std::string_view account_id) {
  ASSIGN_OR_RETURN(auto r, Exec(kSelectSubscription, {P(account_id)}));
  if (r.rows() == 0) return std::optional<AlertSubscription>();
  return std::optional<AlertSubscription>(ReadSubscription(r, 0));
}

Status PgTxn::SetAlertSubscription(std::string_view account_id,
                                   const std::optional<AlertSubscription>& sub) {
  auto r = sub ? Exec(kUpsertSubscription,
                      {P(account_id), P(sub->email), P(sub->webhook_url), P(sub->secret),
                       P(JoinKinds(sub->kinds)), P(sub->language), P(sub->updated_at)})
               : Exec(kDeleteSubscription, {P(account_id)});
  return r.ok() ? Status::Ok() : r.status();
}

Result<std::vector<AlertSubscription>> PgTxn::ListAlertSubscriptions() {
  ASSIGN_OR_RETURN(auto r, Exec(kSelectSubscriptions, {}));
  return r.Rows(ReadSubscription);
}

Result<bool> PgTxn::InsertAlertNotice(const AlertNotice& n) {
  ASSIGN_OR_RETURN(auto r,
                   Exec(kInsertAlertNotice, {P(n.account_id), P(n.key), P(n.first_seen_at)}));
  return r.affected() > 0;
}

Result<std::vector<AlertNotice>> PgTxn::ListAlertNotices(std::string_view account_id) {
  ASSIGN_OR_RETURN(auto r, Exec(kSelectAlertNotices, {P(account_id)}));
  return r.Rows([](const PgResult& row, int i) {
    return AlertNotice{row.Text(i, 0), row.Text(i, 1), row.Int(i, 2)};
  });
}

Result<int64_t> PgTxn::InsertAlertDelivery(const AlertDelivery& d) {
  ASSIGN_OR_RETURN(
      auto r,
      Exec(kInsertDelivery, {P(d.account_id), P(d.notice_key), P(d.kind), P(d.channel), P(d.target),
                             P(d.subject), P(d.body), P(d.status), P(d.attempts), P(d.created_at),
                             P(d.next_attempt_at), P(d.last_attempt_at), P(d.log)}));
  return r.Int(0, 0);
}

Result<bool> PgTxn::UpdateAlertDelivery(const AlertDelivery& d, UnixMicros expected_next_at) {
  ASSIGN_OR_RETURN(auto r, Exec(kUpdateDelivery, {P(d.id), P(d.status), P(d.attempts),
                                                  P(d.next_attempt_at), P(d.last_attempt_at),
                                                  P(d.log), P(expected_next_at), P(d.target)}));
  return r.affected() > 0;
}

Result<std::vector<AlertDelivery>> PgTxn::ListDueAlertDeliveries(UnixMicros now, int64_t limit) {
  ASSIGN_OR_RETURN(auto r, Exec(kSelectDue, {P(now), P(limit)}));
  return ReadDeliveries(r);
}

Result<std::vector<AlertDelivery>> PgTxn::ListAlertDeliveries(std::string_view account_id,
                                                              int64_t limit) {
  ASSIGN_OR_RETURN(auto r, Exec(kSelectDeliveries, {P(account_id), P(limit)}));
  return ReadDeliveries(r);
}

}  // namespace kanjian::store::pg
