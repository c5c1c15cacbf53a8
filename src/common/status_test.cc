#include "common/status.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace kanjian {
namespace {

TEST(Result, HoldsAValueOrAnError) {
  Result<int> value = 7;
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(*value, 7);
  Result<int> error = Status::NotFound("no such pack");
  ASSERT_FALSE(error.ok());
  EXPECT_EQ(error.status().code(), ErrorCode::kNotFound);
}

// A Result is never ok() without a value: an OK status given in its place is
// a caller's bug, answered as an InternalError (and stopped at in debug).
TEST(Result, AnOkStatusIsAnInternalErrorNotAnEmptyValue) {
#ifdef NDEBUG
  Result<int> r = Status::Ok();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInternalError);
  EXPECT_EQ(r.status().message(), Result<int>::kOkStatusWithoutValue);
#else
  EXPECT_DEATH({ Result<int> r = Status::Ok(); }, "never an OK Status");
#endif
}

Status Fails(int* calls) {
  ++*calls;
  return Status::NotFound("the first");
}
Status Succeeds(int* calls) {
  ++*calls;
  return Status::Ok();
}
Result<std::string> Named(bool ok) {
  if (!ok) return Status::InvalidParameter("no name");
  return std::string("kanjian");
}

Status TwoSteps(bool first_ok, int* calls, int* reached) {
  RETURN_IF_ERROR(first_ok ? Succeeds(calls) : Fails(calls));
  ++*reached;
  RETURN_IF_ERROR(Succeeds(calls));
  ++*reached;
  return Status::Ok();
}

TEST(ReturnIfError, ReturnsTheFirstErrorAndEvaluatesItsArgumentOnce) {
  int calls = 0, reached = 0;
  Status s = TwoSteps(false, &calls, &reached);
  EXPECT_EQ(s.code(), ErrorCode::kNotFound);
  EXPECT_EQ(s.message(), "the first");
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(reached, 0);
  calls = reached = 0;
  EXPECT_TRUE(TwoSteps(true, &calls, &reached).ok());
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(reached, 2);
}

// In a function returning a Result, and on a Result whose value is dropped.
Result<int> LengthOfName(bool ok) {
  RETURN_IF_ERROR(Named(ok));
  return 1;
}

TEST(ReturnIfError, TakesAResultAndReturnsFromAFunctionReturningOne) {
  EXPECT_EQ(*LengthOfName(true), 1);
  Result<int> r = LengthOfName(false);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidParameter);
}

Result<size_t> NameLength(bool ok) {
  ASSIGN_OR_RETURN(std::string name, Named(ok));
  ASSIGN_OR_RETURN(const auto again, Named(ok));  // two in one scope
  return name.size() + again.size();
}

TEST(AssignOrReturn, DeclaresTheValueOrReturnsTheError) {
  EXPECT_EQ(*NameLength(true), 14u);
  Result<size_t> r = NameLength(false);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidParameter);
  EXPECT_EQ(r.status().message(), "no name");
}

Status AssignExisting(bool ok, std::string* out) {
  std::string name = "before";
  ASSIGN_OR_RETURN(name, Named(ok));
  *out = name;
  return Status::Ok();
}

TEST(AssignOrReturn, AssignsAnExistingVariable) {
  std::string out;
  EXPECT_TRUE(AssignExisting(true, &out).ok());
  EXPECT_EQ(out, "kanjian");
  out = "untouched";
  EXPECT_FALSE(AssignExisting(false, &out).ok());
  EXPECT_EQ(out, "untouched");
}

// The value is moved out, so a move-only type works.
Result<std::unique_ptr<int>> Boxed() {
  return std::make_unique<int>(5);
}
Result<int> Unboxed() {
  ASSIGN_OR_RETURN(auto box, Boxed());
  return *box;
}

TEST(AssignOrReturn, MovesTheValue) {
  EXPECT_EQ(*Unboxed(), 5);
}

}  // namespace
}  // namespace kanjian
