// PgTxn's plumbing: how its statements reach the server (Exec, Flush) and
// the store state caches key on.
//
// State: store_state holds one counter per slot; a write transaction that
// changes what the attribution cache holds (packs, accounts) adds 1 to its
// connection's slot (slots are claimed per connection, so two concurrent
// transactions never update the same row and never conflict on it). The
// state a transaction starts from is the sum of the counters in its
// snapshot: any other such commit, on this node or another, changes it.
#include "store/pg/pg_txn.h"

#include "common/error_codes.h"

namespace kanjian::store::pg {
namespace {

constexpr char kReadState[] = "SELECT coalesce(sum(changes),0)::bigint FROM store_state";
constexpr char kBumpState[] =
    "INSERT INTO store_state(slot,changes) VALUES($1,1) "
    "ON CONFLICT(slot) DO UPDATE SET changes=store_state.changes+1";

}  // namespace

// Marks the transaction as changing packs or accounts; the bump itself is
// written with the batch (Flush).
Status PgTxn::Changed() {
  if (changed_ || !write_) return Status::Ok();  // a Read's writes are rolled back
  if (sealed_)
    return Status(errc::kInternalError,
                  "StateAfterCommit was asked before the transaction's last change");
  changed_ = true;
  return Status::Ok();
}

// One round trip: [the state before this transaction's bump, the bump],
// the usage batch, the pack use, [COMMIT]. At COMMIT the state read is
// left out: nobody can ask StateAtStart after it.
Status PgTxn::Flush(bool commit) {
  std::vector<PgConnection::Statement> statements;
  const bool bump = changed_ && !bumped_;
  const bool read_state = bump && !state_at_start_ && !commit;
  if (read_state) statements.push_back({kReadState, {}});
  if (bump) statements.push_back({kBumpState, {P(int64_t{slot_})}});
  const int usage_at = pending_usage_.empty() ? -1 : static_cast<int>(statements.size());
  if (usage_at >= 0) statements.push_back(UsageStatement());
  const std::map<std::string, int64_t> pack_use = pending_pack_use_;
  const int pack_at = pack_use.empty() ? -1 : static_cast<int>(statements.size());
  if (pack_at >= 0) statements.push_back(PackUseStatement());
  if (statements.empty() && commit && db_.begin_deferred()) {
    db_.RollbackIfOpen();  // the body sent nothing: no transaction was opened
    return Status::Ok();
  }
  if (commit && db_.begin_deferred() && db_.tracking_xid()) {
    // BEGIN and the id first: a COMMIT sent in the transaction's first round
    // trip could be in doubt with no id to look it up by.
    RETURN_IF_ERROR(db_.ExecPipeline({}));
  }
  if (commit) statements.push_back({"COMMIT", {}, /*prepared=*/false});
  if (statements.empty()) return Status::Ok();
  auto r = db_.ExecPipeline(statements);
  if (!r.ok()) return FlushFailed(r.status(), usage_at, pack_at, pack_use);
  if (read_state) state_at_start_ = (*r)[0].Int(0, 0);
  bumped_ = bumped_ || bump;
  return Status::Ok();
}

Result<PgResult> PgTxn::Exec(const char* sql, const std::vector<Param>& params) {
  if (bare_ && statements_++ > 0)
    return Status(errc::kInternalError,
                  "Store::ReadOne's body sent a second statement: it needs Store::Read");
  if (bare_ && std::string_view(sql).substr(0, 7) != "SELECT ") {
    bare_ = false;  // only a SELECT goes bare: this one begins the transaction
    db_.BeginDeferred(kBeginRead);
  }
  if (!pending_usage_.empty() || !pending_pack_use_.empty() || (changed_ && !bumped_)) {
    RETURN_IF_ERROR(FlushUsageTotals());
  }
  return db_.ExecPrepared(sql, params);
}

Result<uint64_t> PgTxn::StateAtStart() {
  if (!state_at_start_) {
    ASSIGN_OR_RETURN(auto r, Exec(kReadState, {}));
    state_at_start_ = r.Int(0, 0) - (bumped_ ? 1 : 0);
  }
  return static_cast<uint64_t>(*state_at_start_);
}

// REQUIRES: asked after the transaction's last change to packs or accounts
// (a later change is refused: the state would no longer be the one promised).
Result<uint64_t> PgTxn::StateAfterCommit() {
  if (!write_) return Status(errc::kInternalError, "StateAfterCommit outside a write transaction");
  ASSIGN_OR_RETURN(auto start, StateAtStart());
  sealed_ = true;
  return start + (changed_ ? 1 : 0);
}

}  // namespace kanjian::store::pg
