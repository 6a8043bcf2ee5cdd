// The plan's check of AWS's own rules, end to end: a contract-valid tenant file whose derived value
// AWS refuses is planned, and the document carries the error naming stack, resource, property,
// value, rule and source at the file and field that caused it; the plan command exits 1.
// The tenant: a dedicated-saas tenant whose 63-character subdomain (one DNS label, as the contract
// allows) makes a 79-character host name under the platform's base domain, which ACM refuses as
// the certificate's first name (RFC 5280's 64 octets for a Common Name).

import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { beforeAll, describe, expect, it } from "vitest";

import { planFleet, PlanDocument } from "../scripts/lib/plan/fleet";
import { FleetValidation, validateFleet } from "../stacks/config/validate";

const ROOT = path.resolve(__dirname, "..");
const LABEL = `h${"x".repeat(61)}h`;
const HOST = `${LABEL}.itm.example.net`;
const FILE = "long-host.yaml";
const TENANT = `tenant: long-host\ncompany: Long Host Ltd\nmode: dedicated-saas\nregion: eu-west-1\ndomain:\n  subdomain: ${LABEL}\n`;

const EXPECTED_ERROR = {
    line: 1,
    column: 1,
    path: "/domain/subdomain",
    message:
        `long-host: aws:acm/certificate:Certificate "long-host-certificate-cert": domainName "${HOST}" (79 characters) breaks AWS's rule: ` +
        "at most 64 characters, periods included: the certificate's first domain name is its Common Name (RFC 5280); a longer name can only be a Subject Alternative Name " +
        "(source: AWS Certificate Manager API Reference, RequestCertificate, DomainName)",
};

describe("a planned value AWS refuses", () => {
    let fleet: FleetValidation;
    let document: PlanDocument;

    beforeAll(async () => {
        fleet = validateFleet([{ file: FILE, bytes: Buffer.from(TENANT) }]);
        document = await planFleet({ tenants: fleet.tenants, threads: 1 });
    });

    it("GIVEN a 63-character subdomain WHEN validated THEN the file is valid by the contract", () => {
        expect(LABEL).toHaveLength(63);
        expect(fleet.problems).toEqual([]);
    });

    it("GIVEN the tenant WHEN planned THEN the document has exactly the error of AWS's rule, at the file and field that caused it, and the stack is still shown", () => {
        expect(document.errors).toEqual([{ file: FILE, ...EXPECTED_ERROR }]);
        const plan = document.tenants.find((stack) => stack.tenant === "long-host");
        expect(plan?.resources.find((resource) => resource.name === "long-host-certificate-cert")?.inputs.domainName).toBe(HOST);
    });

    it("GIVEN the tenant file WHEN the plan command runs THEN it exits 1 and its JSON carries the same error", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-aws-rules-"));
        try {
            const file = path.join(dir, FILE);
            fs.writeFileSync(file, TENANT);
            const child = spawnSync(path.join(ROOT, "node_modules", ".bin", "tsx"), [path.join(ROOT, "scripts", "plan.ts"), file, "--isolated", "--json"], {
                cwd: ROOT,
                encoding: "utf8",
                timeout: 120_000,
                maxBuffer: 64 * 1024 * 1024,
            });
            expect(child.status, child.stderr).toBe(1);
            const planned = JSON.parse(child.stdout) as { errors: unknown[] };
            expect(planned.errors).toEqual([{ file: expect.stringMatching(/long-host\.yaml$/), ...EXPECTED_ERROR }]);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
