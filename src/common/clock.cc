#include "common/clock.h"

namespace kanjian {

UnixMicros SystemClock::NowMicros() const {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

OffsetClock::OffsetClock(UnixMicros start) : offset_us_(start - SystemClock().NowMicros()) {}

UnixMicros OffsetClock::NowMicros() const {
  return SystemClock().NowMicros() + offset_us_;
}

}  // namespace kanjian
