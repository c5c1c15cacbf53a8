// Where billing's new identifiers come from: accounts, packs, vouchers, notices,
// ledger transactions and the keys of calls made without one. Injected
// into BillingService (like the Clock) so that a seeded simulation replays
// exactly: packs bought in the same instant tie-break on their id in the
// consumption order (consumption_order.h).
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace kanjian::billing {

enum class IdKind {
  kAccount,         // "acc-…"
  kPack,            // a purchased pack: "pack-…"
  kGiftPack,        // an operator's gift: "gift-…"
  kVoucher,         // "vch-…"
  kNotice,          // "ntc-…"
  kLedgerTxn,       // a ledger transaction
  kIdempotencyKey,  // for a request made without a key: "auto:…"
};

class IdSource {
 public:
  virtual ~IdSource() = default;
  // A new identifier of `kind`, never returned before. Thread-safe.
  virtual std::string Next(IdKind kind) = 0;
};

// Production: random suffixes (12 hex digits for accounts, vouchers and
// notices, 16 for packs) and time-ordered UUID v7 for ledger transactions and keys.
class RandomIds final : public IdSource {
 public:
  std::string Next(IdKind kind) override;
};
// The process's RandomIds, BillingService's default.
IdSource& DefaultIds();

// Tests and simulations: the kind's prefix, then `seed` and a counter, so a
// run is the same every time it is replayed from its seed.
class SequentialIds final : public IdSource {
 public:
  explicit SequentialIds(uint64_t seed = 0) : seed_(seed) {}
  std::string Next(IdKind kind) override;

 private:
  const uint64_t seed_;
  std::atomic<uint64_t> next_{1};
};

}  // namespace kanjian::billing
