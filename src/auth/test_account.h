// Test helper: an account row and its first key, written the way the
// account service writes them, so auth's tests need no part above auth.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "auth/api_keys.h"

namespace kanjian::testing {

inline void CreateTestAccount(store::Store& store, const Clock& clock, const std::string& id,
                              const std::string& name) {
  const crypto::SecretBox box{std::string(32, 't')};
  auth::NewKey plain;
  auto sealed = auth::ApiKeys(store, &box, clock).Mint(id, &plain);
  ASSERT_TRUE(sealed.ok()) << sealed.status().ToString();
  store::Account account{id,           name, store::AccountStatus::kInactive, clock.NowMicros(),
                         std::nullopt, ""};
  auto created = store.CreateAccount(account, *sealed);
  ASSERT_TRUE(created.ok()) << created.ToString();
}

}  // namespace kanjian::testing
