// The call log and its hourly totals on PostgreSQL. Each record passes the
// usage_request_ids gate (its RequestId unique across the monthly
// partitions) and only a record the gate let through reaches the log; the
// hourly totals of the transaction's records are upserted in one statement
// before COMMIT (usage_hourly is what bills read).
#include <chrono>

#include "common/error_codes.h"
#include "store/pg/pg_store_internal.h"
#include "store/pg/pg_txn.h"

namespace kanjian::store::pg {
namespace {

constexpr char kLogUsage[] =
    "WITH gate AS (INSERT INTO usage_request_ids(request_id,at) VALUES($1,$4) "
    "ON CONFLICT DO NOTHING RETURNING request_id) "
    "INSERT INTO usage_records(request_id,account_id,action,at,quantity,source,pack_id) "
    "SELECT request_id,$2,$3,$4::bigint,$5::bigint,$6,$7 FROM gate";
constexpr char kUpsertHourly[] =
    "INSERT INTO usage_hourly(hour,account_id,action,source,quantity) "
    "SELECT * FROM unnest($1::bigint[],$2::text[],$3::text[],$4::text[],$5::bigint[]) "
    "ON CONFLICT(hour,account_id,action,source) "
    "DO UPDATE SET quantity=usage_hourly.quantity+excluded.quantity";
constexpr char kSelectUsage[] =
    "SELECT request_id,account_id,action,at,quantity,source,pack_id FROM usage_records "
    "WHERE at>=$2 AND at<$3 AND account_id=$1 ORDER BY at, request_id";
constexpr char kSumHourlyOfAccount[] =
    "SELECT account_id,action,source,sum(quantity)::bigint FROM usage_hourly "
    "WHERE account_id=$1 AND hour>=$2 AND hour<$3 GROUP BY 1,2,3 ORDER BY 1,2,3";
constexpr char kSumHourlyOfAll[] =
    "SELECT account_id,action,source,sum(quantity)::bigint FROM usage_hourly "
    "WHERE hour>=$1 AND hour<$2 GROUP BY 1,2,3 ORDER BY 1,2,3";
// Summed in the server: a month holds ~720 hourly rows per account and key.
constexpr char kScanHourly[] =
    "SELECT account_id,action,source,sum(quantity)::bigint FROM usage_hourly "
    "WHERE hour>=$1 AND hour<$2 GROUP BY 1,2,3";

Status CheckUsage(const UsageRecord& r) {
  auto bad = [&](const char* why) {
    return Status(errc::kInternalError, "usage record '" + r.request_id + "': " + why);
  };
  if (r.quantity <= 0) return bad("quantity must be positive");
  if (r.source != "free" && r.source != "pack" && r.source != "postpaid")
    return bad("source must be free, pack or postpaid");
  if ((r.source == "postpaid") != r.pack_id.empty())
    return bad("a pack is named exactly when the source is free or pack");
  return Status::Ok();
}

}  // namespace

Result<bool> PgTxn::LogUsage(const UsageRecord& r) {
  if (Status bad = CheckUsage(r); !bad.ok()) return bad;
  const std::string month = UtcMonthOf(r.at).name;
  if (!has_month_(month)) {
    memo_.missing_partitions.insert(month);
    return Status(errc::kInternalError, "usage partition " + month + " is being made");
  }
  auto logged = db_.ExecPrepared(kLogUsage, {P(r.request_id), P(r.account_id), P(r.action), P(r.at),
                                             P(r.quantity), P(r.source), P(r.pack_id)});
  if (!logged.ok())
    return Status(errc::kInternalError, "usage record '" + r.request_id + "': " + logged.status().message());
  if (logged->affected() == 0) return false;
  std::string key = std::to_string(HourOf(r.at));
  key.append(1, '\0').append(r.account_id).append(1, '\0').append(r.action).append(1, '\0').append(r.source);
  pending_totals_[key] += r.quantity;
  return true;
}

Status PgTxn::InsertUsage(std::span<const UsageRecord> records) {
  for (const UsageRecord& r : records) {
    if (auto logged = LogUsage(r); !logged.ok()) return logged.status();
  }
  return Status::Ok();
}

Result<bool> PgTxn::InsertCall(std::span<const UsageRecord> records) {
  if (records.empty()) return Status(errc::kInternalError, "a call has at least one usage record");
  auto first = LogUsage(records[0]);
  if (!first.ok() || !*first) return first;
  for (const UsageRecord& r : records.subspan(1)) {
    auto logged = LogUsage(r);
    if (!logged.ok()) return logged.status();
    if (!*logged)
      return Status(errc::kInternalError, "usage record '" + r.request_id + "' exists without its call");
  }
  return true;
}

Status PgTxn::FlushUsageTotals() {
  if (pending_totals_.empty()) return Status::Ok();
  std::vector<std::string> hours, accounts, actions, sources, quantities;
  for (const auto& [key, quantity] : pending_totals_) {
    const size_t a = key.find('\0'), b = key.find('\0', a + 1), c = key.find('\0', b + 1);
    hours.push_back(key.substr(0, a));
    accounts.push_back(key.substr(a + 1, b - a - 1));
    actions.push_back(key.substr(b + 1, c - b - 1));
    sources.push_back(key.substr(c + 1));
    quantities.push_back(std::to_string(quantity));
  }
  auto r = db_.ExecPrepared(kUpsertHourly, {P(TextArray(hours)), P(TextArray(accounts)), P(TextArray(actions)),
                                            P(TextArray(sources)), P(TextArray(quantities))});
  if (!r.ok()) return r.status();
  pending_totals_.clear();
  return Status::Ok();
}

Result<std::vector<UsageRecord>> PgTxn::ListUsage(std::string_view account_id, UnixMicros from,
                                                  UnixMicros to) {
  auto r = db_.ExecPrepared(kSelectUsage, {P(account_id), P(from), P(to)});
  if (!r.ok()) return r.status();
  std::vector<UsageRecord> out;
  for (int i = 0; i < r->rows(); ++i)
    out.push_back({r->Text(i, 0), r->Text(i, 1), r->Text(i, 2), r->Int(i, 3), r->Int(i, 4),
                   r->Text(i, 5), r->Text(i, 6)});
  return out;
}

Result<std::vector<UsageSum>> PgTxn::SumUsage(std::string_view account_id, UnixMicros from,
                                              UnixMicros to) {
  if (HourOf(from) != from || HourOf(to) != to)
    return Status(errc::kInternalError, "SumUsage reads whole hours (hourly totals)");
  if (Status s = FlushUsageTotals(); !s.ok()) return s;
  auto r = account_id.empty() ? db_.ExecPrepared(kSumHourlyOfAll, {P(from), P(to)})
                              : db_.ExecPrepared(kSumHourlyOfAccount, {P(account_id), P(from), P(to)});
  if (!r.ok()) return r.status();
  std::vector<UsageSum> out;
  for (int i = 0; i < r->rows(); ++i)
    out.push_back({r->Text(i, 0), r->Text(i, 1), r->Text(i, 2), r->Int(i, 3)});
  return out;
}

Status PgTxn::ScanUsageTotals(UnixMicros from, UnixMicros to, const UsageTotalFn& fn) {
  if (HourOf(from) != from || HourOf(to) != to)
    return Status(errc::kInternalError, "ScanUsageTotals reads whole hours (hourly totals)");
  if (Status s = FlushUsageTotals(); !s.ok()) return s;
  auto r = db_.ExecPrepared(kScanHourly, {P(from), P(to)});
  if (!r.ok()) return r.status();
  for (int i = 0; i < r->rows(); ++i) fn(r->Text(i, 0), r->Text(i, 1), r->Text(i, 2), r->Int(i, 3));
  return Status::Ok();
}

}  // namespace kanjian::store::pg
