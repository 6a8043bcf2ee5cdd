// A drill's copy (`<production>-drill`) is torn down after every drill: its door, keys and log
// bucket are disposable, which the deletion-protection and retention rules admit there and nowhere
// else. Each rule: the drill's disposable resource passes; the same resource in the production stack
// and in the `-recovery` stack is refused with the rule's message.

import { describe, expect, it } from "vitest";

import { enforceAccessLogBucketRetention } from "../../policy/rules/data/enforceAccessLogBucketRetention";
import { enforceKmsKeyRetention } from "../../policy/rules/data/enforceKmsKeyRetention";
import { findingsOf } from "../../policy/rules/evaluate";
import { enforceLoadBalancerDeletionProtection } from "../../policy/rules/operations/enforceLoadBalancerDeletionProtection";
import { isDrillStack } from "../../policy/rules/operations/recovery";
import { PolicyResource, PolicyStack, Rule } from "../../policy/rules/types";
import { ACCOUNT, OFFSITE_REGION, policyResource, SETTINGS } from "./fixtures-operations";

const LB = "aws:lb/loadBalancer:LoadBalancer";
const KEY = "aws:kms/key:Key";
const BUCKET = "aws:s3/bucket:Bucket";

/** The disposable door, keys and log bucket of `stack` (what the components make with `disposable: true`). */
function disposable(stack: string): PolicyStack {
    const resources: PolicyResource[] = [
        policyResource(LB, "acme-front-door-alb", `arn:aws:elasticloadbalancing:${OFFSITE_REGION}:${ACCOUNT}:loadbalancer/app/acme-front-door-alb/50dc6c495c0c9188`, {
            loadBalancerType: "application",
            enableDeletionProtection: false,
        }),
        policyResource(KEY, "acme-keys-data", "a96e7e14-f736-4623-a1d2-970c499c55ab", { enableKeyRotation: true, deletionWindowInDays: 7 }),
        policyResource(BUCKET, "acme-access-logs-bucket", "acme-access-logs-bucket-5b7e0c1", { forceDestroy: true, tags: { role: "access-logs" } }),
    ];
    return { stack, kind: "cloud", resources };
}

const findings = (rule: Rule, stack: PolicyStack) => findingsOf(rule, stack, SETTINGS);

const REFUSED: readonly [string, Rule, string, string[]][] = [
    [
        "lb-load-balancer-deletion-protection",
        enforceLoadBalancerDeletionProtection,
        "acme-front-door-alb",
        [
            "enableDeletionProtection is false; expected true, unless the stack is being offboarded, and it carries no offboarding-final-backup tag (only the offboarding of `npm run destroy` lifts protection, after the final backup, and tags the resource with its recovery points)",
        ],
    ],
    [
        "kms-key-retained-on-delete",
        enforceKmsKeyRetention,
        "acme-keys-data",
        ["the key is neither protected nor retained on delete: destroying the stack would schedule its deletion, leaving whatever it encrypts unreadable; set retainOnDelete: true (or protect: true) on it"],
    ],
    [
        "s3-bucket-access-logs-retained",
        enforceAccessLogBucketRetention,
        "acme-access-logs-bucket",
        [
            "the access-log bucket is neither protected nor retained on delete: destroying the stack would delete the request logs before their retention ends; set retainOnDelete: true (or protect: true) on it",
            "forceDestroy is true: a delete would empty the request logs first; expected false outside a drill's copy",
        ],
    ],
];

describe("isDrillStack", () => {
    it.each([
        ["acme-drill", true],
        ["platform-eu-west-1-drill", true],
        ["acme-recovery", false],
        ["platform-eu-west-1-recovery", false],
        ["acme", false],
        ["-drill", false],
    ])("GIVEN %s WHEN asked THEN %s", (stack, expected) => {
        expect(isDrillStack(stack)).toBe(expected);
    });
});

describe.each(REFUSED)("%s", (_name, rule, resource, messages) => {
    it("GIVEN a drill's copy with the disposable resource WHEN checked THEN it is admitted", () => {
        expect(findings(rule, disposable("acme-drill"))).toEqual([]);
        expect(findings(rule, { ...disposable("platform-eu-west-1-drill"), kind: "platform" })).toEqual([]);
    });

    it.each(["acme-recovery", "acme", "platform-eu-west-1-recovery"])("GIVEN the same resource in %s WHEN checked THEN it is refused", (stack) => {
        expect(findings(rule, disposable(stack))).toEqual(messages.map((message) => ({ resource, message })));
    });
});

describe("s3-bucket-access-logs-retained", () => {
    it("GIVEN a retained access-log bucket, and a bucket that holds no access logs WHEN checked THEN both pass", () => {
        const retained = { ...policyResource(BUCKET, "acme-access-logs-bucket", "b-1", { forceDestroy: false, tags: { role: "access-logs" } }), retainOnDelete: true };
        const artifacts = policyResource(BUCKET, "acme-check-artifacts", "b-2", { forceDestroy: true });
        expect(findings(enforceAccessLogBucketRetention, { stack: "acme", kind: "cloud", resources: [retained, artifacts] })).toEqual([]);
    });
});
