#include "protocol/error_table.h"

#include <array>

namespace kanjian::protocol {
namespace {

constexpr auto kApi = ErrorSurface::kApi;
constexpr auto kOther = ErrorSurface::kOther;

// One row per line of common/error_codes.def, in its order.
constexpr std::array<ErrorSpec, kErrorCodeCount - 1> kErrors = {{
    {errc::kSignatureExpire, "AuthFailure.SignatureExpire", kApi},
    {errc::kSignatureFailure, "AuthFailure.SignatureFailure", kApi},
    {errc::kSecretIdNotFound, "AuthFailure.SecretIdNotFound", kApi},
    {errc::kInvalidAuthorization, "AuthFailure.InvalidAuthorization", kApi},
    {errc::kRequestReplayed, "AuthFailure.RequestReplayed", kApi},
    {errc::kInvalidAction, "InvalidAction", kApi},
    {errc::kNoSuchVersion, "NoSuchVersion", kApi},
    {errc::kMissingParameter, "MissingParameter", kApi},
    {errc::kInvalidParameter, "InvalidParameter", kApi},
    {errc::kInvalidParameterValue, "InvalidParameterValue", kApi},
    {errc::kUnknownParameter, "UnknownParameter", kApi},
    {errc::kRequestLimitExceeded, "RequestLimitExceeded", kApi},
    {errc::kRequestSizeLimitExceeded, "RequestSizeLimitExceeded", kApi},
    {errc::kNotActivated, "ResourceUnavailable.NotExist", kApi},
    {errc::kInArrears, "ResourceUnavailable.InArrears", kApi},
    {errc::kSpendGuard, "ResourceUnavailable.SpendGuard", kApi},
    {errc::kStopUsing, "ResourceUnavailable.StopUsing", kApi},
    {errc::kImageDecodeFailed, "FailedOperation.ImageDecodeFailed", kApi},
    {errc::kImageNotSupported, "FailedOperation.ImageNotSupported", kApi},
    {errc::kImageSizeExceed, "FailedOperation.ImageSizeExceed", kApi},
    {errc::kImageResolutionExceed, "FailedOperation.ImageResolutionExceed", kApi},
    {errc::kEmptyImage, "FailedOperation.EmptyImageError", kApi},
    {errc::kDownLoadError, "FailedOperation.DownLoadError", kApi},
    {errc::kUrlIllegal, "InvalidParameterValue.UrlIllegal", kApi},
    {errc::kNoObjectDetected, "FailedOperation.NoObjectDetected", kApi},
    {errc::kNoBodyInPhoto, "FailedOperation.NoBodyInPhoto", kApi},
    {errc::kRequestTimeout, "FailedOperation.RequestTimeout", kApi},
    {errc::kInternalError, "InternalError", kApi},
    {errc::kClientClosedRequest, "FailedOperation.ClientClosedRequest", kApi},
    {errc::kModelReloadFailed, "FailedOperation.ModelReloadFailed", kOther},
    {errc::kUnauthorizedOperation, "UnauthorizedOperation", kApi},
    {errc::kNotFound, "ResourceNotFound", kOther},
    {errc::kAlreadyExists, "ResourceInUse", kOther},
    {errc::kInvalidConfiguration, "InvalidConfiguration", kOther},
    {errc::kMasterKeyMissing, "MasterKeyMissing", kOther},
    {errc::kMasterKeyMismatch, "MasterKeyMismatch", kOther},
    {errc::kInsufficientBalance, "InsufficientBalance", kOther},
    {errc::kIdempotencyKeyReused, "IdempotencyKeyReused", kOther},
    {errc::kSkuNotFound, "SkuNotFound", kOther},
    {errc::kPromotionNotFound, "PromotionNotFound", kOther},
    {errc::kVoucherUnusable, "VoucherUnusable", kOther},
    {errc::kMonthNotEnded, "MonthNotEnded", kOther},
    {errc::kMonthNotSettled, "MonthNotSettled", kOther},
    {errc::kUnsupportedOperation, "UnsupportedOperation", kOther},
    {errc::kNoticePeriodTooShort, "NoticePeriodTooShort", kOther},
    {errc::kAccountNotActive, "AccountNotActive", kOther},
    {errc::kRefundWindowClosed, "RefundWindowClosed", kOther},
    {errc::kPackPartiallyUsed, "PackPartiallyUsed", kOther},
    {errc::kPackNotPurchased, "PackNotPurchased", kOther},
    {errc::kPromotionNoRefund, "PromotionNoRefund", kOther},
    {errc::kAccountDisabledForContent, "AccountDisabledForContent", kOther},
    {errc::kRefundLimitExceeded, "RefundLimitExceeded", kOther},
    {errc::kAlreadyRefunded, "AlreadyRefunded", kOther},
    {errc::kInvalidCredentials, "AuthFailure.InvalidCredentials", kOther},
    {errc::kLoginLocked, "AuthFailure.LoginLocked", kOther},
    {errc::kSessionInvalid, "AuthFailure.SessionInvalid", kOther},
    {errc::kCsrfTokenInvalid, "AuthFailure.CsrfTokenInvalid", kOther},
}};

// A code added to error_codes.def without its row here (or out of order)
// fails the build, so WireCode can index the table.
constexpr bool InEnumOrder() {
  for (size_t i = 0; i < kErrors.size(); ++i) {
    if (static_cast<size_t>(kErrors[i].code) != i + 1 || kErrors[i].wire.empty()) return false;
  }
  return true;
}
static_assert(InEnumOrder(), "error_table.cc needs one row per error_codes.def line, in order");

}  // namespace

std::span<const ErrorSpec> AllErrors() {
  return kErrors;
}

std::string_view WireCode(ErrorCode code) {
  const auto i = static_cast<size_t>(code);
  if (i == 0 || i > kErrors.size()) return "";
  return kErrors[i - 1].wire;
}

std::optional<ErrorCode> FindErrorCode(std::string_view wire) {
  for (const auto& e : kErrors) {
    if (e.wire == wire) return e.code;
  }
  return std::nullopt;
}

}  // namespace kanjian::protocol
