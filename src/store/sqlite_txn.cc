// SqliteTxn's plumbing: the statement cache and the state stamp caches
// key on. The operations are one file per aggregate interface, as
// sqlite_txn.h lists them.
#include "store/sqlite_txn.h"

#include "common/error_codes.h"

namespace kanjian::store {

StatementCache::Lease StatementCache::Get(const char* sql) {
  auto& slot = statements_[sql];
  if (!slot) slot = std::make_unique<Statement>(db_, sql);
  return Lease(slot.get());
}

namespace {
// Changes when another connection commits (not when this one does).
constexpr char kDataVersion[] = "PRAGMA data_version";
}  // namespace

// ---- State. ----

Result<uint64_t> SqliteTxn::StateAfterCommit() {
  if (!write_) return Status(errc::kInternalError, "StateAfterCommit outside a write transaction");
  return State(commits_ + 1);
}

// Other processes' commits (data_version) and this store's own (commits).
// Hashed into one number: equal numbers mean the same state.
Result<uint64_t> SqliteTxn::State(uint64_t commits) {
  auto s = cache_.Get(kDataVersion);
  if (!s->Step())
    return s->status().ok() ? Status(errc::kInternalError, "no data_version") : s->status();
  uint64_t h = instance_;
  for (uint64_t part : {static_cast<uint64_t>(s->Int(0)), commits})
    h = (h ^ part) * 0x100000001b3ull + (h >> 29);
  return h;
}

}  // namespace kanjian::store
