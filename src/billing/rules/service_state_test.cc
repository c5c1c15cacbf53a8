// Table tests of the account service state (service_state.h).
#include "billing/rules/service_state.h"

#include <gtest/gtest.h>

#include <optional>

#include <functional>

#include "common/error_codes.h"

namespace kanjian::billing {
namespace {

TEST(ServiceStateTest, StateFromStatusBalanceAndGrace) {
  using store::AccountStatus;
  const UnixMicros bill = 100 * kMicrosPerDay, now = bill + 2 * kMicrosPerDay;
  struct Row {
    const char* name;
    AccountStatus status;
    Fen balance;
    std::optional<UnixMicros> last_bill_at;
    int grace_days;
    ServiceState expected;
  };
  const Row rows[] = {
      {"active, positive", AccountStatus::kActive, 100, bill, 0, ServiceState::kActive},
      {"active, zero", AccountStatus::kActive, 0, bill, 0, ServiceState::kActive},
      {"negative, no grace", AccountStatus::kActive, -1, bill, 0, ServiceState::kArrears},
      {"negative, inside grace", AccountStatus::kActive, -1, bill, 3, ServiceState::kActive},
      {"negative, grace just over", AccountStatus::kActive, -1, bill, 2, ServiceState::kArrears},
      {"negative, no bill, no grace", AccountStatus::kActive, -1, std::nullopt, 0,
       ServiceState::kArrears},
      {"negative, no bill, grace", AccountStatus::kActive, -1, std::nullopt, 1,
       ServiceState::kActive},
      {"disabled wins over arrears", AccountStatus::kDisabled, -1, bill, 0,
       ServiceState::kDisabled},
      {"inactive", AccountStatus::kInactive, 0, std::nullopt, 0, ServiceState::kInactive},
  };
  for (const Row& row : rows) {
    BillingSettings settings;
    settings.arrears_grace_days = row.grace_days;
    EXPECT_EQ(ServiceStateOf(row.status, row.balance, row.last_bill_at, now, settings),
              row.expected)
        << row.name;
  }
}

TEST(ServiceStateTest, EachStateHasItsRefusalAndName) {
  struct Row {
    ServiceState state;
    std::optional<ErrorCode> code;  // nullopt = served
    const char* name;
  };
  const Row rows[] = {
      {ServiceState::kActive, std::nullopt, "active"},
      {ServiceState::kArrears, errc::kInArrears, "arrears"},
      {ServiceState::kDisabled, errc::kStopUsing, "disabled"},
      {ServiceState::kInactive, errc::kNotActivated, "inactive"},
  };
  for (const Row& row : rows) {
    Status s = ServiceRefusal(row.state);
    EXPECT_EQ(s.ok() ? std::nullopt : std::optional<ErrorCode>(s.code()), row.code) << row.name;
    EXPECT_EQ(ToString(row.state), row.name);
  }
}

}  // namespace
}  // namespace kanjian::billing
