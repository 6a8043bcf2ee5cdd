// Valid tenant files at the edges of the contract must plan, and plan clean: the largest sizes, the
// smallest network, an unusual region, punycode, a customer with twenty corporate networks, most of
// them public, BGP at the top of the private ASN range.

import { describe, expect, it } from "vitest";

import { withViolations } from "../../scripts/lib/plan/policy";
import { planFleet } from "../../scripts/lib/plan/fleet";
import { validateFleet } from "../../stacks/config/validate";
import { platformFixture } from "../fixtures/platform-configs";
import { quotasRaised } from "../helpers";
import { T, ofType } from "../graph";

const FILES: Record<string, string> = {
    "big-phys.yaml": `tenant: big-phys
company: "Big Physical AG"
mode: physical
region: ap-southeast-4
environment: test
domain:
  own: xn--bcher-kva.example.ch
network:
  cidr: 172.31.255.0/24
compute:
  instanceType: r7i.2xlarge
  instances: 10
  volumeGiB: 16384
database:
  instanceClass: db.x2g.large
  storageGiB: 65536
security:
  passwordMinLength: 128
backup:
  offsiteRegion: us-east-1
`,
    "many-corp.yaml": `{tenant: many-corp, company: "Many Corp", mode: vpn-sync, region: sa-east-1, domain: {subdomain: many}, network: {cidr: 10.200.0.0/16},
 vpn: {customerGatewayIp: 8.8.4.4, bgpAsn: 65534, corporateCidrs: [${Array.from({ length: 19 }, (_, i) => `${i + 1 === 10 ? 22 : i + 1}.0.0.0/24`).join(", ")}, 192.168.0.0/16]},
 identity: {directoryName: corp.many.example, dnsIps: [192.168.1.1, 192.168.1.2], serviceAccount: svc, connect: true}}
`,
    "abc.yaml": "tenant: abc\ncompany: x\nmode: saas\nregion: il-central-1\n",
};

describe("tenants at the edges of the contract", () => {
    it("GIVEN valid files at the contract's limits WHEN validated and planned THEN every one plans with no error and no violation", async () => {
        const fleet = validateFleet(Object.entries(FILES).map(([file, text]) => ({ file, bytes: Buffer.from(text) })));
        expect(fleet.problems).toEqual([]);
        // Regions no example fleet has: the account's platform settings for each, as fixtures.
        // ap-southeast-4 (Melbourne) and il-central-1 (Tel Aviv) are opt-in regions: an account that enabled them.
        const quotas = quotasRaised({}, ["ap-southeast-4", "il-central-1"]);
        const document = withViolations(await planFleet({ tenants: fleet.tenants, platforms: platformFixture([...new Set(fleet.tenants.map((tenant) => tenant.region))]), quotas }));
        expect(document.errors).toEqual([]);
        expect(document.tenants.map((plan) => [plan.tenant, plan.violations])).toEqual([
            ["abc", []],
            ["big-phys", []],
            ["big-phys-recovery", []],
            ["many-corp", []],
            ["many-corp-recovery", []],
        ]);
        const big = document.tenants.find((plan) => plan.tenant === "big-phys")!;
        expect(ofType(big, T.instance)).toHaveLength(11);
        expect(ofType(big, T.volume).map((volume) => volume.inputs.type).sort()).toContain("io2");
        const many = document.tenants.find((plan) => plan.tenant === "many-corp")!;
        expect(ofType(many, "aws:directoryservice/directory:Directory")).toHaveLength(1);
    });
});
