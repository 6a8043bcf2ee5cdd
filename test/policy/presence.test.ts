// stack-promise-resources-present: the rules on the availability check and the password policy judge
// the canaries and settings a stack has; this one refuses a production stack that has none.

import { describe, expect, it } from "vitest";

import { missingPromiseResources } from "../../policy/rules/presence/missingPromiseResources";
import { PolicyResource, PolicyStack } from "../../policy/rules/types";

const resource = (type: string, name: string, props: Record<string, unknown> = {}): PolicyResource => ({ type, name, id: name, props }) as PolicyResource;
const CANARY = resource("aws:synthetics/canary:Canary", "x-check-canary");
const SETTINGS = (stack: string) => resource("aws:ssm/parameter:Parameter", `${stack}-settings-parameter`, { name: `/tenants/${stack}/settings` });
const OTHER = resource("aws:s3/bucket:Bucket", "x-files");

const findings = (stack: PolicyStack) => missingPromiseResources.validate(stack, {} as never) as { resource: string; message: string }[];

describe("stack-promise-resources-present", () => {
    it.each<[string, PolicyStack]>([
        ["a cloud tenant with both", { stack: "globex", kind: "cloud", resources: [CANARY, SETTINGS("globex"), OTHER] }],
        ["a saas tenant with its settings (its platform checks it)", { stack: "brightpath", kind: "saas", resources: [SETTINGS("brightpath")] }],
        ["a platform with its canary (it has no tenant settings)", { stack: "platform-eu-west-1", kind: "platform", resources: [CANARY, OTHER] }],
        ["a recovery environment at rest", { stack: "globex-recovery", kind: "cloud", resources: [OTHER] }],
        ["a drill copy", { stack: "globex-drill", kind: "cloud", resources: [OTHER] }],
        ["a stack on its way out (no resources)", { stack: "globex", kind: "cloud", resources: [] }],
        ["a stack whose kind cannot be told", { stack: "globex", kind: undefined, resources: [OTHER] }],
    ])("GIVEN %s WHEN judged THEN nothing is found", (_, stack) => {
        expect(findings(stack)).toEqual([]);
    });

    it("GIVEN a dedicated tenant without its canary and settings WHEN judged THEN both are named on the stack", () => {
        expect(findings({ stack: "globex", kind: "vpn", resources: [OTHER, resource("aws:ssm/parameter:Parameter", "p", { name: "/tenants/someone-else/settings2" })] })).toEqual([
            { resource: "globex", message: "no availability check (an aws:synthetics/canary:Canary): nothing checks the tenant's app every five minutes" },
            { resource: "globex", message: "no tenant settings (the SSM parameter /tenants/globex/settings the app reads): its passwordMinLength cannot be shown to be at least 10" },
        ]);
    });

    it("GIVEN a platform without its canary WHEN judged THEN the shared app's check is named", () => {
        expect(findings({ stack: "platform-eu-west-1", kind: "platform", resources: [OTHER] })).toEqual([
            { resource: "platform-eu-west-1", message: "no availability check (an aws:synthetics/canary:Canary): nothing checks the shared app every five minutes" },
        ]);
    });
});
