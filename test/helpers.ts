// Shared test helpers: plan a small program under the offline plan engine and query its graph.

import * as path from "node:path";

import * as aws from "@pulumi/aws";

import { planStack, PlannedResource, PlanStackResult } from "../scripts/lib/plan/engine";
import { AppliedQuotas, loadQuotas } from "../scripts/lib/plan/quota-file";
import { QuotaKey } from "../scripts/lib/plan/quotas";
import { StackOutputsSnapshot } from "../scripts/lib/plan/mocks";

export const TEST_REGION = "eu-west-1";

/** A provider as the stacks make it: region plus the required default tags. */
export function testProvider(name = "test", region = TEST_REGION): aws.Provider {
    return new aws.Provider(`${name}-aws`, {
        region: region as aws.Region,
        defaultTags: { tags: { tenant: name, mode: "cloud", "managed-by": "test" } },
    });
}

/**
 * Plans `program` as stack `stack` (resources must use the provider it is given) and returns the
 * recorded graph and outputs.
 */
export async function planProgram(
    program: (provider: aws.Provider) => Record<string, unknown> | void,
    options: { stack?: string; region?: string; config?: Record<string, string>; stackOutputs?: Map<string, StackOutputsSnapshot> } = {},
): Promise<PlanStackResult> {
    const stack = options.stack ?? "test";
    return planStack({
        stack,
        region: options.region ?? TEST_REGION,
        config: options.config,
        stackOutputs: options.stackOutputs,
        program: () => program(testProvider(stack, options.region ?? TEST_REGION)) ?? {},
    });
}

export function ofType(resources: readonly PlannedResource[], type: string): PlannedResource[] {
    return resources.filter((resource) => resource.type === type);
}

export function named(resources: readonly PlannedResource[], name: string): PlannedResource {
    const found = resources.find((resource) => resource.name === name);
    if (!found) {
        throw new Error(`no resource named ${name}; have: ${resources.map((resource) => resource.name).join(", ")}`);
    }
    return found;
}

/** The resource whose mock id is `id` (to follow a reference in another resource's inputs). */
export function byId(resources: readonly PlannedResource[], id: unknown): PlannedResource | undefined {
    return resources.find((resource) => resource.id === id);
}

/**
 * The checked-in quotas of the deployment account with some raised, as a fixture account that was
 * granted them (for tests that plan more dedicated-cloud tenants in one region than the default 5
 * VPCs hold). Never the checked-in file changed.
 */
export function quotasRaised(raised: Partial<Record<QuotaKey, number>>, optInRegions: readonly string[] = []): AppliedQuotas {
    const checked = loadQuotas(path.resolve(__dirname, ".."));
    const defaults = { ...checked.quotas.defaults };
    for (const [key, value] of Object.entries(raised) as [QuotaKey, number][]) {
        defaults[key] = { value, source: "test fixture: a quota raise granted to the test account" };
    }
    // The opt-in regions the test account has enabled (a stack in another one is a plan error).
    const enabled = Object.fromEntries(optInRegions.map((region) => [region, { status: "ENABLED" as const, source: "test fixture: enabled in the test account" }]));
    return { file: "test/fixtures/service-quotas.json", quotas: { ...checked.quotas, defaults, optInRegions: { ...checked.quotas.optInRegions, ...enabled } }, text: "" };
}
