// The call log and its hourly totals on PostgreSQL. Each record passes the
// usage_request_ids gate (its RequestId unique across the monthly
// partitions) and only a record the gate let through reaches the log; the
// hourly totals of the transaction's records are upserted in one statement
// before COMMIT (usage_hourly is what bills read).
#include <nlohmann/json.hpp>

#include <chrono>

#include "common/error_codes.h"
#include "store/pg/pg_store_internal.h"
#include "store/pg/pg_txn.h"

namespace kanjian::store::pg {
namespace {

// A batch in one statement: the gate lets new RequestIds through, only
// those reach the log, their hourly totals are upserted, and the ids the
// gate refused (logged before) come back.
// A batch in one statement: the gate lets new RequestIds through, only
// those reach the log, and their hourly totals are upserted. A record of a
// call InsertCall answered "new" for ($8) that the gate refused (logged
// before) fails the statement (kLoggedBeforeState, the ids in DETAIL), so a
// COMMIT sent behind it is skipped; other refused records are skipped.
constexpr char kLogUsage[] =
    "WITH input AS (SELECT * FROM unnest($1::text[],$2::text[],$3::text[],$4::bigint[],"
    "$5::bigint[],$6::text[],$7::text[],$8::bool[]) AS "
    "u(request_id,account_id,action,at,quantity,source,pack_id,is_call)), "
    "gate AS (INSERT INTO usage_request_ids(request_id,at) SELECT request_id,at FROM input "
    "ON CONFLICT DO NOTHING RETURNING request_id), "
    "logged AS (INSERT INTO usage_records(request_id,account_id,action,at,quantity,source,pack_id) "
    "SELECT i.request_id,i.account_id,i.action,i.at,i.quantity,i.source,i.pack_id "
    "FROM input i JOIN gate g USING (request_id) RETURNING "
    "account_id,action,at,quantity,source), "
    "hourly AS (INSERT INTO usage_hourly(hour,account_id,action,source,slot,quantity) "
    "SELECT at - ((at % 3600000000) + 3600000000) % 3600000000, account_id, action, source, "
    "$9::int, "
    "sum(quantity) FROM logged GROUP BY 1,2,3,4 ON CONFLICT(hour,account_id,action,source,slot) "
    "DO UPDATE SET quantity=usage_hourly.quantity+excluded.quantity) "
    "SELECT kanjian_refuse('" KANJIAN_LOGGED_BEFORE
    "','call logged before',"
    "json_agg(request_id)::text) FROM input "
    "WHERE is_call AND request_id NOT IN (SELECT request_id FROM gate) HAVING count(*)>0";
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

constexpr char kSelectUsagePage[] =
    "SELECT request_id,account_id,action,at,quantity,source,pack_id FROM usage_records "
    "WHERE at>=$3 AND at<$4 AND account_id=$1 AND action=$2 "
    "AND ($6='' OR at>$5 OR (at=$5 AND request_id>$6)) ORDER BY at, request_id LIMIT $7";

Status UnknownSource(const std::string& word) {
  return Status(errc::kInternalError, "usage_hourly: unknown source '" + word + "'");
}

}  // namespace

// Queues one record; false if this transaction (or, known from a
// previous run of the body, the log) already has its RequestId.
Result<bool> PgTxn::LogUsage(const UsageRecord& r) {
  RETURN_IF_ERROR(CheckUsageRecord(r));
  const std::string month = UtcMonthOf(r.at).name;
  if (!has_month_(month)) {
    memo_.missing_partitions.insert(month);
    return Status(errc::kInternalError, "usage partition " + month + " is being made");
  }
  if (memo_.known_duplicates.count(r.request_id) || !ids_.insert(r.request_id).second) return false;
  pending_usage_.push_back(r);
  return true;
}

Status PgTxn::InsertUsage(std::span<const UsageRecord> records) {
  return InsertUsageRecords(records, [this](const UsageRecord& r) { return LogUsage(r); });
}

// "New" is the answer as far as this transaction knows; the batch's
// statement checks it against the log, and a RequestId found there makes
// the body run again, told (AttemptMemo::known_duplicates).
Result<bool> PgTxn::InsertCall(std::span<const UsageRecord> records) {
  return InsertCallRecords(records, [this](const UsageRecord& r) -> Result<bool> {
    auto logged = LogUsage(r);
    if (logged.ok() && *logged) call_ids_.insert(r.request_id);
    return logged;
  });
}

PgConnection::Statement PgTxn::UsageStatement() {
  std::vector<std::string> cols[8];
  for (const UsageRecord& r : pending_usage_) {
    cols[0].push_back(r.request_id);
    cols[1].push_back(r.account_id);
    cols[2].push_back(r.action);
    cols[3].push_back(std::to_string(r.at));
    cols[4].push_back(std::to_string(r.quantity));
    cols[5].push_back(std::string(ToString(r.source)));
    cols[6].push_back(r.pack_id);
    cols[7].push_back(call_ids_.count(r.request_id) ? "t" : "f");
    batch_months_.insert(UtcMonthOf(r.at).name);
  }
  pending_usage_.clear();
  std::vector<Param> params;
  for (const auto& c : cols) params.push_back(TextArray(c));
  params.push_back(P(int64_t{slot_}));
  return {kLogUsage, std::move(params)};
}

Status PgTxn::UsageFailed(const Status& failed) {
  if (db_.sqlstate() == "23514") {
    // No partition holds a record's month: detached (`usage detach`) since
    // this node listed its partitions. Asked anew, EnsureMonth refuses it by
    // name, and makes any other month of the batch that is merely new.
    memo_.missing_partitions.insert(batch_months_.begin(), batch_months_.end());
    return Status(errc::kInternalError, "usage batch: a record's month has no partition");
  }
  if (db_.sqlstate() != kLoggedBeforeState)
    return Status(errc::kInternalError, "usage batch: " + failed.message());
  // InsertCall answered "new" for calls the log held: run again, told.
  auto ids = nlohmann::json::parse(db_.detail(), nullptr, /*allow_exceptions=*/false);
  if (ids.is_array()) {
    for (const auto& id : ids)
      if (id.is_string()) memo_.known_duplicates.insert(id.get<std::string>());
  }
  memo_.rerun = true;
  return Status(errc::kInternalError, "usage batch: a call was logged before; the body runs again");
}

Result<std::vector<UsageRecord>> PgTxn::ListUsage(std::string_view account_id, UnixMicros from,
                                                  UnixMicros to) {
  ASSIGN_OR_RETURN(auto r, Exec(kSelectUsage, {P(account_id), P(from), P(to)}));
  std::vector<UsageRecord> out;
  for (int i = 0; i < r.rows(); ++i) {
    ASSIGN_OR_RETURN(UsageSource source,
                     StoredWord(ParseUsageSource, "usage_records.source", r.Text(i, 5)));
    out.push_back(
        {r.Text(i, 0), r.Text(i, 1), r.Text(i, 2), r.Int(i, 3), r.Int(i, 4), source, r.Text(i, 6)});
  }
  return out;
}

Result<std::vector<UsageSum>> PgTxn::SumUsage(std::string_view account_id, UnixMicros from,
                                              UnixMicros to) {
  if (HourOf(from) != from || HourOf(to) != to)
    return Status(errc::kInternalError, "SumUsage reads whole hours (hourly totals)");
  RETURN_IF_ERROR(FlushUsageTotals());
  ASSIGN_OR_RETURN(auto r, account_id.empty()
                               ? Exec(kSumHourlyOfAll, {P(from), P(to)})
                               : Exec(kSumHourlyOfAccount, {P(account_id), P(from), P(to)}));
  std::vector<UsageSum> out;
  for (int i = 0; i < r.rows(); ++i) {
    auto source = ParseUsageSource(r.Text(i, 2));
    if (!source) return UnknownSource(r.Text(i, 2));
    out.push_back({r.Text(i, 0), r.Text(i, 1), *source, r.Int(i, 3)});
  }
  return out;
}

Status PgTxn::ScanUsageTotals(UnixMicros from, UnixMicros to, const UsageTotalFn& fn) {
  if (HourOf(from) != from || HourOf(to) != to)
    return Status(errc::kInternalError, "ScanUsageTotals reads whole hours (hourly totals)");
  RETURN_IF_ERROR(FlushUsageTotals());
  ASSIGN_OR_RETURN(auto r, Exec(kScanHourly, {P(from), P(to)}));
  for (int i = 0; i < r.rows(); ++i) {
    auto source = ParseUsageSource(r.Text(i, 2));
    if (!source) return UnknownSource(r.Text(i, 2));
    fn(r.Text(i, 0), r.Text(i, 1), *source, r.Int(i, 3));
  }
  return Status::Ok();
}

Result<std::vector<UsageRecord>> PgTxn::ListUsagePage(std::string_view account_id,
                                                      std::string_view action, UnixMicros from,
                                                      UnixMicros to, UnixMicros after_at,
                                                      std::string_view after_id, int64_t limit) {
  ASSIGN_OR_RETURN(auto r, Exec(kSelectUsagePage, {P(account_id), P(action), P(from), P(to),
                                                   P(after_at), P(after_id), P(limit)}));
  std::vector<UsageRecord> out;
  for (int i = 0; i < r.rows(); ++i) {
    ASSIGN_OR_RETURN(UsageSource source,
                     StoredWord(ParseUsageSource, "usage_records.source", r.Text(i, 5)));
    out.push_back(
        {r.Text(i, 0), r.Text(i, 1), r.Text(i, 2), r.Int(i, 3), r.Int(i, 4), source, r.Text(i, 6)});
  }
  return out;
}

}  // namespace kanjian::store::pg
