import { describe, expect, it } from "vitest";
import { toUtcTs } from "../bar.js";
import { daysOfDate, describeTs, TsFormatter, weekdayOf } from "./time.js";

describe("TsFormatter", () => {
  it("formats whole minutes exactly like toUtcTs", () => {
    const formatter = new TsFormatter();
    let seed = 42;
    const random = () => {
      seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
      return seed / 2 ** 32;
    };
    const samples = [0, 59 * 60_000, 86_400_000 - 60_000, Date.UTC(2024, 1, 29, 23, 59), Date.UTC(2100, 0, 1)];
    for (let i = 0; i < 5000; i++) samples.push(Math.floor(random() * 4_200_000_000) * 60_000);
    for (const ms of samples) expect(formatter.format(ms)).toBe(toUtcTs(ms));
  });
});

describe("daysOfDate", () => {
  it("counts days since 1970-01-01 like Date.UTC", () => {
    for (let days = -800_000; days <= 800_000; days += 997) {
      const date = new Date(days * 86_400_000).toISOString().slice(0, 10);
      if (date.startsWith("-") || date.startsWith("+")) continue;
      expect(daysOfDate(date)).toBe(days);
    }
    expect(daysOfDate("2024-02-29")).toBe(Date.UTC(2024, 1, 29) / 86_400_000);
  });

  it.each(["", "2024-1-05", "2024/01/05", "2024-01-0x", "2024-13-01", "2024-00-10", "2024-01-32", "20240105xx"])(
    "gives NaN for %j",
    (text) => expect(daysOfDate(text)).toBeNaN(),
  );
});

describe("weekdayOf", () => {
  it("numbers days from Sunday = 0, before and after 1970", () => {
    expect(weekdayOf(0)).toBe(4); // 1970-01-01, a Thursday
    expect(weekdayOf(daysOfDate("2024-01-06"))).toBe(6);
    expect(weekdayOf(daysOfDate("2024-01-07"))).toBe(0);
    expect(weekdayOf(daysOfDate("1969-12-28"))).toBe(0);
  });
});

describe("describeTs", () => {
  it("writes a canonical ts when it can and the number when it cannot", () => {
    expect(describeTs(0)).toBe("1970-01-01T00:00:00Z");
    expect(describeTs(1e16)).toBe("10000000000000000");
    expect(describeTs(Number.NaN)).toBe("NaN");
  });
});
