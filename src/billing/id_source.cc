#include "billing/id_source.h"

#include <cstdio>

#include "common/crypto.h"
#include "common/ids.h"

namespace kanjian::billing {
namespace {

const char* PrefixOf(IdKind kind) {
  switch (kind) {
    case IdKind::kAccount:
      return "acc-";
    case IdKind::kPack:
      return "pack-";
    case IdKind::kGiftPack:
      return "gift-";
    case IdKind::kVoucher:
      return "vch-";
    case IdKind::kNotice:
      return "ntc-";
    case IdKind::kLedgerTxn:
      return "";
    case IdKind::kIdempotencyKey:
      return "auto:";
  }
  return "";
}

}  // namespace

std::string RandomIds::Next(IdKind kind) {
  switch (kind) {
    case IdKind::kAccount:
      return ids::NewAccountId();
    case IdKind::kPack:
    case IdKind::kGiftPack:
      return PrefixOf(kind) + crypto::Hex(crypto::RandomBytes(8));
    case IdKind::kVoucher:
    case IdKind::kNotice:
      return PrefixOf(kind) + crypto::Hex(crypto::RandomBytes(6));
    case IdKind::kLedgerTxn:
    case IdKind::kIdempotencyKey:
      break;
  }
  return PrefixOf(kind) + ids::NewRequestId();
}

IdSource& DefaultIds() {
  static RandomIds ids;
  return ids;
}

std::string SequentialIds::Next(IdKind kind) {
  char suffix[48];
  std::snprintf(suffix, sizeof suffix, "%llu-%012llu", static_cast<unsigned long long>(seed_),
                static_cast<unsigned long long>(next_.fetch_add(1)));
  return PrefixOf(kind) + std::string(kind == IdKind::kLedgerTxn ? "txn-" : "") + suffix;
}

}  // namespace kanjian::billing
