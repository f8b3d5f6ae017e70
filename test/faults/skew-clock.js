/**
 * Preloaded (`node -r`) into one hub process of the fault suite to run it on a clock that is off
 * by FAULT_CLOCK_OFFSET_MS (negative: behind): `Date.now()` and `new Date()` are shifted, timers
 * are not. How a gateway and a subgraph on hosts whose clocks disagree are simulated.
 */
const offset = Number(process.env.FAULT_CLOCK_OFFSET_MS || 0);
if (offset) {
  const RealDate = Date;
  class SkewedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(RealDate.now() + offset);
      else super(...args);
    }

    static now() {
      return RealDate.now() + offset;
    }
  }
  globalThis.Date = SkewedDate;
}
