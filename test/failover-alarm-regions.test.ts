import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

import { describe, expect, it } from "vitest";

import { CLOUDWATCH_ALARM_REGIONS } from "../components/failover-dns";
import { REGIONS } from "../lib/regions";

/** Debian's python3-botocore (1.29.27 here) and any newer botocore on PATH (1.43.11 here). */
const PYTHONS = ["/usr/bin/python3", "python3"];

function botocoreEnum(python: string): string[] | undefined {
    if (python.startsWith("/") && !existsSync(python)) {
        return undefined;
    }
    try {
        const out = execFileSync(python, ["-c", "import json, botocore.session; print(json.dumps(botocore.session.get_session().get_service_model('route53').shape_for('CloudWatchRegion').enum))"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
        return JSON.parse(out) as string[];
    } catch {
        return undefined;
    }
}

describe("the regions of an alarm-based health check (VPN-only tenants' DNS failover)", () => {
    it("GIVEN every region a tenant may name WHEN its internal door fails over THEN Route 53 accepts the region of its availability alarm", () => {
        expect(REGIONS.filter((region) => !CLOUDWATCH_ALARM_REGIONS.includes(region))).toEqual([]);
    });

    // AWS adds regions to the enum and never takes one away: every model's regions are in the list,
    // and the list is exactly the newest model's.
    const models = PYTHONS.map(botocoreEnum).filter((regions): regions is string[] => regions !== undefined);
    it.runIf(models.length > 0)("GIVEN botocore's route53 models installed WHEN read THEN the list holds each one's CloudWatchRegion enum and is the newest one's", () => {
        for (const regions of models) {
            expect(regions.filter((region) => !CLOUDWATCH_ALARM_REGIONS.includes(region))).toEqual([]);
        }
        const newest = models.reduce((a, b) => (b.length > a.length ? b : a));
        expect([...CLOUDWATCH_ALARM_REGIONS].sort()).toEqual([...newest].sort());
    });
});
