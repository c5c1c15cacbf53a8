// Account service state: whether an account may call the API now
// (docs/billing.md §5 arrears; docs/operators/billing.md). Derived, never stored:
// from the account's stored status, its balance and its latest settlement.
#pragma once

#include <optional>
#include <string_view>

#include "billing/rules/catalog.h"
#include "common/status.h"
#include "store/store.h"

namespace kanjian::billing {

enum class ServiceState {
  kActive,    // serves calls
  kArrears,   // negative balance past the grace period: ResourceUnavailable.InArrears
  kDisabled,  // by the operator: ResourceUnavailable.StopUsing
  kInactive,  // the service was never activated: ResourceUnavailable.NotExist
};
// "active" | "arrears" | "disabled" | "inactive" (CLI and console output).
std::string_view ToString(ServiceState state);

// The state of an account with stored `status` and balance `balance_fen`
// (cash + income + gift) at `now`. A negative balance suspends once
// arrears_grace_days have passed since `last_bill_at`, the latest
// settlement (nullopt: none, counted from now). Read last_bill_at only when
// the balance is negative: the state does not depend on it otherwise.
ServiceState ServiceStateOf(store::AccountStatus status, Fen balance_fen,
                            std::optional<UnixMicros> last_bill_at, UnixMicros now,
                            const BillingSettings& settings);

// OK for kActive, else the refusal an API call gets.
Status ServiceRefusal(ServiceState state);

}  // namespace kanjian::billing
