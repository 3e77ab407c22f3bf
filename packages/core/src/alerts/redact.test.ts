import { describe, expect, it } from "vitest";
import { mergeFailedAlert } from "./jobs.js";
import { maskMessage, maskSecrets } from "./redact.js";

describe("maskSecrets", () => {
  it("masks given secrets, credential parameters and credential-shaped tokens", () => {
    expect(maskSecrets("bad key ABCD1234 in https://x/q?apikey=ABCD1234&f=1", ["ABCD1234"])).toBe(
      "bad key *** in https://x/q?apikey=***&f=1",
    );
    expect(maskSecrets("auth xoxb-1234-5678-abcdefghij failed")).toBe("auth *** failed");
    expect(maskSecrets("key AKIAABCDEFGHIJKLMNOP leaked")).toBe("key *** leaked");
    expect(maskSecrets("Authorization: Bearer abc.def.ghi-123")).toBe("Authorization: Bearer ***");
    expect(maskSecrets("nothing secret here")).toBe("nothing secret here");
  });

  it("masks every text of a message, links' URLs excepted", () => {
    const alert = mergeFailedAlert(
      { jobName: "t", jobRunId: "jr_1", message: "token=s3cr3t-token rejected" },
      { kind: "aws", region: "us-east-1" },
      "2024-03-01T10:00:00.000Z",
    );
    const masked = maskMessage({ ...alert, facts: [{ label: "Token", value: "s3cr3t-token" }] }, ["s3cr3t-token"]);
    expect(JSON.stringify(masked)).not.toContain("s3cr3t-token");
    expect(masked.detail).toBe("token=*** rejected");
  });
});
