#include "common/cancellation.h"

namespace kanjian {
namespace {
thread_local const CancelProbe* current = nullptr;
}  // namespace

CancelScope::CancelScope(CancelProbe probe) : probe_(std::move(probe)), previous_(current) {
  current = &probe_;
}

CancelScope::~CancelScope() {
  current = previous_;
}

CancelProbe CurrentCancelProbe() {
  return current ? *current : CancelProbe();
}

}  // namespace kanjian
