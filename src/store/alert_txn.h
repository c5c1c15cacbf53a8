// Alerts (billing/alerts/alerts.h): subscriptions, the notices already alerted, and
// the outbox of deliveries with their log.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "store/records.h"

namespace kanjian::store {

class AlertTxn {
 public:
  virtual ~AlertTxn() = default;

  // Set with nullopt removes the account's subscription; List: every
  // subscription, by account.
  virtual Result<std::optional<AlertSubscription>> FindAlertSubscription(
      std::string_view account_id) = 0;
  virtual Status SetAlertSubscription(std::string_view account_id,
                                      const std::optional<AlertSubscription>& sub) = 0;
  virtual Result<std::vector<AlertSubscription>> ListAlertSubscriptions() = 0;
  // Records a notice's first sighting; false (and nothing written) when its
  // key was seen before.
  virtual Result<bool> InsertAlertNotice(const AlertNotice& notice) = 0;
  virtual Result<std::vector<AlertNotice>> ListAlertNotices(std::string_view account_id) = 0;
  // Returns the id assigned.
  virtual Result<int64_t> InsertAlertDelivery(const AlertDelivery& delivery) = 0;
  // Writes status, attempts, next/last attempt, target and log of
  // delivery.id, only
  // if its next_attempt_at is still `expected_next_at` (so two nodes never
  // both claim one); false when it was not.
  virtual Result<bool> UpdateAlertDelivery(const AlertDelivery& delivery,
                                           UnixMicros expected_next_at) = 0;
  // Pending deliveries with next_attempt_at <= now, soonest first.
  virtual Result<std::vector<AlertDelivery>> ListDueAlertDeliveries(UnixMicros now,
                                                                    int64_t limit) = 0;
  // The account's deliveries, newest first.
  virtual Result<std::vector<AlertDelivery>> ListAlertDeliveries(std::string_view account_id,
                                                                 int64_t limit) = 0;
};

}  // namespace kanjian::store
