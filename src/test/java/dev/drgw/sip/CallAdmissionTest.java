package dev.drgw.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CallAdmissionTest {

  final AtomicLong now = new AtomicLong(1_000_000_000L);

  int admitted(CallAdmission admission, int tries) {
    int n = 0;
    for (int i = 0; i < tries; i++) {
      n += admission.admit() ? 1 : 0;
    }
    return n;
  }

  @Test
  void aBurstOfOneSecondsWorthIsTakenThenTheRateHolds() {
    CallAdmission admission = new CallAdmission(100, now::get);

    assertThat(admitted(admission, 150)).isEqualTo(100);
    now.addAndGet(100_000_000L); // 0.1 s: 10 more
    assertThat(admitted(admission, 50)).isEqualTo(10);
    now.addAndGet(10_000_000_000L); // long idle: the bucket is full again, not fuller
    assertThat(admitted(admission, 500)).isEqualTo(100);
  }

  @Test
  void overTimeTheAdmittedRateIsTheConfiguredOne() {
    CallAdmission admission = new CallAdmission(500, now::get);
    admitted(admission, 500); // empty the burst
    int taken = 0;
    for (int ms = 0; ms < 10_000; ms++) { // 10 s, 2 calls offered each millisecond (2,000/s)
      now.addAndGet(1_000_000L);
      taken += admitted(admission, 2);
    }
    assertThat(taken).isBetween(4_990, 5_001);
  }

  @Test
  void zeroMeansNoLimit() {
    assertThat(admitted(new CallAdmission(0, now::get), 100_000)).isEqualTo(100_000);
  }

  @Test
  void aNegativeRateIsRefused() {
    assertThatThrownBy(() -> new CallAdmission(-1, now::get)).isInstanceOf(IllegalArgumentException.class);
  }
}
