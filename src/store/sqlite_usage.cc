// SqliteTxn: Usage: the call log (usage_records) and its hourly totals (usage_hourly).
// Each statement is a named constant beside the function that runs it.
#include "store/sqlite_txn.h"

#include <map>

#include "common/error_codes.h"
#include "store/sqlite_rows.h"

namespace kanjian::store {

namespace {

Result<UsageRecord> ReadUsage(const Statement& s) {
  ASSIGN_OR_RETURN(UsageSource source,
                   StoredWord(ParseUsageSource, "usage_records.source", s.TextView(5)));
  return UsageRecord{s.Text(0), s.Text(1), s.Text(2), s.Int(3), s.Int(4), source, s.Text(6)};
}

}  // namespace

// ---- Usage. ----

namespace {}  // namespace

namespace {
// ON CONFLICT(request_id) rather than INSERT OR IGNORE: OR IGNORE would also
// silently drop rows that fail a CHECK.
constexpr char kInsertUsage[] =
    "INSERT INTO usage_records(request_id,account_id,action,at,quantity,source,pack_id) "
    "VALUES(?1,?2,?3,?4,?5,?6,?7) ON CONFLICT(request_id) DO NOTHING";
}  // namespace

// Hot path. A new record goes into the log and its quantity into the
// transaction's pending hourly totals; one already logged adds nothing.
Result<bool> SqliteTxn::LogUsage(const UsageRecord& r) {
  RETURN_IF_ERROR(CheckUsageRecord(r));
  auto s = cache_.Get(kInsertUsage);
  s->Bind(1, r.request_id).Bind(2, r.account_id).Bind(3, r.action).Bind(4, r.at);
  s->Bind(5, r.quantity).Bind(6, ToString(r.source)).Bind(7, r.pack_id).Step();
  if (!s->status().ok())
    return Status(errc::kInternalError,
                  "usage record '" + r.request_id + "': " + s->status().message());
  if (sqlite3_changes(cache_.db()) == 0) return false;
  struct View {
    UnixMicros hour;
    std::string_view account_id, action, source;
  } key{HourOf(r.at), r.account_id, r.action, ToString(r.source)};
  auto it = pending_totals_.find(key);
  if (it == pending_totals_.end())
    it = pending_totals_
             .emplace(HourKey{key.hour, r.account_id, r.action, std::string(key.source)}, 0)
             .first;
  it->second += r.quantity;
  return true;
}

Status SqliteTxn::InsertUsage(std::span<const UsageRecord> records) {
  return InsertUsageRecords(records, [this](const UsageRecord& r) { return LogUsage(r); });
}

Result<bool> SqliteTxn::InsertCall(std::span<const UsageRecord> records) {
  return InsertCallRecords(records, [this](const UsageRecord& r) { return LogUsage(r); });
}

namespace {
constexpr char kUpsertUsageHourly[] =
    "INSERT INTO usage_hourly(hour,account_id,action,source,quantity) VALUES(?1,?2,?3,?4,?5) "
    "ON CONFLICT(hour,account_id,action,source) DO UPDATE SET quantity=quantity+excluded.quantity";
}  // namespace

Status SqliteTxn::FlushUsageTotals() {
  auto s = cache_.Get(kUpsertUsageHourly);
  for (const auto& [k, quantity] : pending_totals_) {
    s->Bind(1, k.hour)
        .Bind(2, k.account_id)
        .Bind(3, k.action)
        .Bind(4, k.source)
        .Bind(5, quantity)
        .Step();
    if (!s->status().ok()) return s->status();
    s->Reset();
  }
  pending_totals_.clear();
  return Status::Ok();
}

namespace {
// ListUsage walks the log's (at) index and filters by account: an operator
// lists a time range; billing never reads the log.
constexpr char kSelectUsage[] =
    "SELECT request_id,account_id,action,at,quantity,source,pack_id FROM usage_records "
    "WHERE at>=?2 AND at<?3 AND account_id=?1 ORDER BY at, request_id";
}  // namespace

Result<std::vector<UsageRecord>> SqliteTxn::ListUsage(std::string_view account_id, UnixMicros from,
                                                      UnixMicros to) {
  auto s = cache_.Get(kSelectUsage);
  s->Bind(1, account_id).Bind(2, from).Bind(3, to);
  return Collect<UsageRecord>(*s, ReadUsage);
}

namespace {
// SumUsage reads hourly totals and sums them in code (SQLite's GROUP BY would
// sort the range first).
constexpr char kScanHourlyOfAccount[] =
    "SELECT account_id,action,source,quantity FROM usage_hourly "
    "WHERE account_id=?1 AND hour>=?2 AND hour<?3";
constexpr char kScanHourlyOfAll[] =
    "SELECT account_id,action,source,quantity FROM usage_hourly WHERE hour>=?1 AND hour<?2";
}  // namespace

Result<std::vector<UsageSum>> SqliteTxn::SumUsage(std::string_view account_id, UnixMicros from,
                                                  UnixMicros to) {
  if (HourOf(from) != from || HourOf(to) != to)
    return Status(errc::kInternalError, "SumUsage reads whole hours (hourly totals)");
  RETURN_IF_ERROR(FlushUsageTotals());
  // Two statements, not "?1='' OR account_id=?1", so that the one-account
  // query is a range of the (account_id, hour) index.
  auto s = cache_.Get(account_id.empty() ? kScanHourlyOfAll : kScanHourlyOfAccount);
  if (account_id.empty()) {
    s->Bind(1, from).Bind(2, to);
  } else {
    s->Bind(1, account_id).Bind(2, from).Bind(3, to);
  }
  // Summed per account (in order), then per "action\0source" within it.
  std::map<std::string, std::map<std::string, int64_t>, std::less<>> sums;
  std::string key;
  while (s->Step()) {
    auto account = sums.find(s->TextView(0));
    if (account == sums.end())
      account = sums.emplace(s->Text(0), std::map<std::string, int64_t>{}).first;
    key.assign(s->TextView(1)).append(1, '\0').append(s->TextView(2));
    int64_t& sum = account->second[key];
    if (__builtin_add_overflow(sum, s->Int(3), &sum))
      return Status(errc::kInternalError, "usage sum overflows");
  }
  if (!s->status().ok()) return s->status();
  std::vector<UsageSum> out;
  for (const auto& [account, by_key] : sums) {
    for (const auto& [k, quantity] : by_key) {
      const size_t a = k.find('\0');
      auto source = ParseUsageSource(std::string_view(k).substr(a + 1));
      if (!source)
        return Status(errc::kInternalError, "usage_hourly: unknown source in '" + k + "'");
      out.push_back({account, k.substr(0, a), *source, quantity});
    }
  }
  return out;
}

Status SqliteTxn::ScanUsageTotals(UnixMicros from, UnixMicros to, const UsageTotalFn& fn) {
  if (HourOf(from) != from || HourOf(to) != to)
    return Status(errc::kInternalError, "ScanUsageTotals reads whole hours (hourly totals)");
  RETURN_IF_ERROR(FlushUsageTotals());
  auto s = cache_.Get(kScanHourlyOfAll);
  s->Bind(1, from).Bind(2, to);
  while (s->Step()) {
    auto source = ParseUsageSource(s->TextView(2));
    if (!source)
      return Status(errc::kInternalError, "usage_hourly: unknown source '" + s->Text(2) + "'");
    fn(s->TextView(0), s->TextView(1), *source, s->Int(3));
  }
  return s->status();
}

namespace {
// Walks the log's (at) index over the range (an hour in the console) and
// filters by account and action; the keyset (at, request_id) pages it.
constexpr char kSelectUsagePage[] =
    "SELECT request_id,account_id,action,at,quantity,source,pack_id FROM usage_records "
    "WHERE at>=?3 AND at<?4 AND account_id=?1 AND action=?2 "
    "AND (?6='' OR at>?5 OR (at=?5 AND request_id>?6)) ORDER BY at, request_id LIMIT ?7";
}  // namespace

Result<std::vector<UsageRecord>> SqliteTxn::ListUsagePage(std::string_view account_id,
                                                          std::string_view action, UnixMicros from,
                                                          UnixMicros to, UnixMicros after_at,
                                                          std::string_view after_id,
                                                          int64_t limit) {
  auto s = cache_.Get(kSelectUsagePage);
  s->Bind(1, account_id).Bind(2, action).Bind(3, from).Bind(4, to).Bind(5, after_at);
  s->Bind(6, after_id).Bind(7, limit);
  return Collect<UsageRecord>(*s, ReadUsage);
}

}  // namespace kanjian::store
