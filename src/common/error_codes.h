// Every public error code Kanjian answers with, in one place (docs/api.md §3).
// The strings are the wire names; README "Error codes" documents when each
// is returned.
#pragma once

namespace kanjian::errc {

// Authentication.
inline constexpr char kSignatureExpire[] = "AuthFailure.SignatureExpire";
inline constexpr char kSignatureFailure[] = "AuthFailure.SignatureFailure";
inline constexpr char kSecretIdNotFound[] = "AuthFailure.SecretIdNotFound";
inline constexpr char kInvalidAuthorization[] = "AuthFailure.InvalidAuthorization";
// Only with `serve --replay-protection`: this signed request was seen before.
inline constexpr char kRequestReplayed[] = "AuthFailure.RequestReplayed";
// Request shape.
inline constexpr char kInvalidAction[] = "InvalidAction";
inline constexpr char kNoSuchVersion[] = "NoSuchVersion";
inline constexpr char kMissingParameter[] = "MissingParameter";
inline constexpr char kInvalidParameter[] = "InvalidParameter";
inline constexpr char kInvalidParameterValue[] = "InvalidParameterValue";
inline constexpr char kUnknownParameter[] = "UnknownParameter";
// Limits.
inline constexpr char kRequestLimitExceeded[] = "RequestLimitExceeded";
inline constexpr char kRequestSizeLimitExceeded[] = "RequestSizeLimitExceeded";
inline constexpr char kTooLargeFile[] = "LimitExceeded.TooLargeFileError";
// Account state.
inline constexpr char kNotActivated[] = "ResourceUnavailable.NotExist";
inline constexpr char kInArrears[] = "ResourceUnavailable.InArrears";
inline constexpr char kStopUsing[] = "ResourceUnavailable.StopUsing";
// The account's monthly post-paid budget (spend guard, beyond the public
// cloud) is reached: a call that would be post-paid is refused, not billed.
inline constexpr char kSpendGuard[] = "ResourceUnavailable.SpendGuard";
// Images.
inline constexpr char kImageDecodeFailed[] = "FailedOperation.ImageDecodeFailed";
inline constexpr char kImageNotSupported[] = "FailedOperation.ImageNotSupported";
inline constexpr char kImageSizeExceed[] = "FailedOperation.ImageSizeExceed";
inline constexpr char kImageResolutionExceed[] = "FailedOperation.ImageResolutionExceed";
inline constexpr char kEmptyImage[] = "FailedOperation.EmptyImageError";
inline constexpr char kDownLoadError[] = "FailedOperation.DownLoadError";
inline constexpr char kUrlIllegal[] = "InvalidParameterValue.UrlIllegal";
// Recognition outcome.
inline constexpr char kNoObjectDetected[] = "FailedOperation.NoObjectDetected";
inline constexpr char kNoBodyInPhoto[] = "FailedOperation.NoBodyInPhoto";
// Server side.
inline constexpr char kRequestTimeout[] = "FailedOperation.RequestTimeout";
inline constexpr char kInternalError[] = "InternalError";
// The client closed its connection before the answer was ready: the work is
// dropped and nothing is billed. Seldom seen on the wire (only by a client
// that half-closed its socket and still reads), but logged and counted.
inline constexpr char kClientClosedRequest[] = "FailedOperation.ClientClosedRequest";
// Operator endpoints (POST /admin/reload; not sent by the tiia API).
inline constexpr char kModelReloadFailed[] = "FailedOperation.ModelReloadFailed";
inline constexpr char kUnauthorizedOperation[] = "UnauthorizedOperation";
// CLI / operator errors (not sent by the API).
inline constexpr char kNotFound[] = "ResourceNotFound";
inline constexpr char kAlreadyExists[] = "ResourceInUse";
// The database holds sealed SecretKeys but no master key is configured, or
// the one configured does not open them (startup refusals).
inline constexpr char kMasterKeyMissing[] = "MasterKeyMissing";
inline constexpr char kMasterKeyMismatch[] = "MasterKeyMismatch";
// Billing (CLI and console); each refusal names the rule (docs/billing.md).
inline constexpr char kInsufficientBalance[] = "InsufficientBalance";
inline constexpr char kIdempotencyKeyReused[] = "IdempotencyKeyReused";
inline constexpr char kSkuNotFound[] = "SkuNotFound";
inline constexpr char kPromotionNotFound[] = "PromotionNotFound";
inline constexpr char kVoucherUnusable[] = "VoucherUnusable";
inline constexpr char kMonthNotEnded[] = "MonthNotEnded";
inline constexpr char kNoticePeriodTooShort[] = "NoticePeriodTooShort";
inline constexpr char kAccountNotActive[] = "AccountNotActive";
// Refund refusals (docs/billing.md §7).
inline constexpr char kRefundWindowClosed[] = "RefundWindowClosed";
inline constexpr char kPackPartiallyUsed[] = "PackPartiallyUsed";
inline constexpr char kPackNotPurchased[] = "PackNotPurchased";
inline constexpr char kPromotionNoRefund[] = "PromotionNoRefund";
inline constexpr char kAccountDisabledForContent[] = "AccountDisabledForContent";
inline constexpr char kRefundLimitExceeded[] = "RefundLimitExceeded";
inline constexpr char kAlreadyRefunded[] = "AlreadyRefunded";
// Tenant console (/console/api/, not the API 3.0 endpoint).
inline constexpr char kInvalidCredentials[] = "AuthFailure.InvalidCredentials";
inline constexpr char kLoginLocked[] = "AuthFailure.LoginLocked";
inline constexpr char kSessionInvalid[] = "AuthFailure.SessionInvalid";
inline constexpr char kCsrfTokenInvalid[] = "AuthFailure.CsrfTokenInvalid";

}  // namespace kanjian::errc
