// The one way logic learns the time. Production uses SystemClock; `--at`
// uses OffsetClock (starts at a given instant and runs on); tests use
// FakeClock. Logic never calls system_clock::now() itself.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace kanjian {

// Microseconds since the Unix epoch, UTC.
using UnixMicros = int64_t;
inline constexpr int64_t kMicrosPerSecond = 1'000'000;
inline constexpr int64_t kMicrosPerHour = 3'600 * kMicrosPerSecond;
inline constexpr int64_t kMicrosPerDay = 86'400 * kMicrosPerSecond;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual UnixMicros NowMicros() const = 0;
  int64_t NowSeconds() const { return NowMicros() / 1'000'000; }
};

class SystemClock final : public Clock {
 public:
  UnixMicros NowMicros() const override;
};

// Reads `start` at construction and then advances with the real clock.
class OffsetClock final : public Clock {
 public:
  explicit OffsetClock(UnixMicros start);
  UnixMicros NowMicros() const override;

 private:
  const int64_t offset_us_;
};

class FakeClock final : public Clock {
 public:
  explicit FakeClock(UnixMicros now) : now_(now) {}
  UnixMicros NowMicros() const override { return now_.load(); }
  void Set(UnixMicros now) { now_.store(now); }
  void Advance(int64_t micros) { now_.fetch_add(micros); }

 private:
  std::atomic<UnixMicros> now_;
};

}  // namespace kanjian
