#include "billing/rules/service_state.h"

#include "common/error_codes.h"

namespace kanjian::billing {

std::string_view ToString(ServiceState state) {
  switch (state) {
    case ServiceState::kActive:
      return "active";
    case ServiceState::kArrears:
      return "arrears";
    case ServiceState::kDisabled:
      return "disabled";
    case ServiceState::kInactive:
      return "inactive";
  }
  return "inactive";
}

ServiceState ServiceStateOf(store::AccountStatus status, Fen balance_fen,
                            std::optional<UnixMicros> last_bill_at, UnixMicros now,
                            const BillingSettings& settings) {
  if (status == store::AccountStatus::kDisabled) return ServiceState::kDisabled;
  if (status == store::AccountStatus::kInactive) return ServiceState::kInactive;
  if (balance_fen >= 0) return ServiceState::kActive;
  const UnixMicros since = last_bill_at.value_or(now);
  return now >= since + DaysToMicros(settings.arrears_grace_days) ? ServiceState::kArrears
                                                                  : ServiceState::kActive;
}

Status ServiceRefusal(ServiceState state) {
  switch (state) {
    case ServiceState::kActive:
      return Status::Ok();
    case ServiceState::kDisabled:
      return Status(errc::kStopUsing, "this account has been disabled by the operator");
    case ServiceState::kArrears:
      return Status(errc::kInArrears, "the account is in arrears; recharge to resume service");
    case ServiceState::kInactive:
      break;
  }
  return Status(errc::kNotActivated, "the tiia service is not activated for this account");
}

}  // namespace kanjian::billing
