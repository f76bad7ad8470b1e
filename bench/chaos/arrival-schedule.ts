// Open-loop arrivals for the rate-limit cascade: requests start on a schedule, whatever happened to earlier
// ones, the way many independent clients behave (a closed loop would slow down as the gateway does and hide
// the overload). Evenly spaced within each stage of a piecewise-constant rate profile. Pure.

/** One stage of the offered load. */
export interface RateStage {
  /** Seconds this stage lasts. */
  seconds: number;
  /** Requests started per second during it. */
  perSecond: number;
}

/** Start times in ms from the beginning, ascending, for `stages` in order. */
export function arrivalTimesMs(stages: readonly RateStage[]): number[] {
  const times: number[] = [];
  let stageStart = 0;
  for (const stage of stages) {
    if (!(stage.seconds >= 0 && stage.perSecond >= 0))
      throw new RangeError('stages need non-negative numbers');
    const count = Math.round(stage.seconds * stage.perSecond);
    const gap = 1000 / stage.perSecond;
    for (let i = 0; i < count; i++) times.push(stageStart + i * gap);
    stageStart += stage.seconds * 1000;
  }
  return times;
}
