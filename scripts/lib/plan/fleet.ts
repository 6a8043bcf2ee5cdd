// Plans a set of tenants (and the platform stacks they stand on) into the plan contract's document.
// Every tenant's StackReference to its region's platform is fed with the outputs of that platform
// stack as planned in the same run, so the whole graph is consistent.

import { Violation } from "../../../policy/rules/types";
import { StackEstimate } from "../cost/estimate";
import { isSecretLikeKey } from "../../../stacks/config/rules";
import { SECRET_CONFIG_KEYS } from "../../../stacks/config/stack-config";
import { Mode, Tenant } from "../../../stacks/config/tenant";
import { Problem } from "../../../stacks/config/validate";
import { platformStackName } from "../../../stacks/context";
import { REQUIRED_PLATFORM_CONFIG } from "../../../stacks/platform-settings";
import { platformProgram, tenantProgram } from "../../../stacks";
import { planStack, PlanError, PlannedResource, qualifiedStackName } from "./engine";
import { StackOutputsSnapshot } from "./mocks";

export const PLAN_VERSION = 1;

/** One stack of the plan document. */
export interface TenantPlan {
    readonly tenant: string;
    readonly mode: Mode | "platform";
    readonly region: string;
    readonly source: string;
    readonly resources: PlannedResource[];
    readonly outputs: Record<string, unknown>;
    /** What the policy rules found (added by the plan command, after planning). */
    readonly violations?: Violation[];
    /** The monthly cost estimate at list prices (added by the plan command). */
    readonly cost?: StackEstimate;
}

export interface PlanDocument {
    readonly version: typeof PLAN_VERSION;
    readonly tenants: TenantPlan[];
    readonly errors: Problem[];
    /** Secret config keys the plan could not know and stood in for with a placeholder secret. */
    readonly placeholderSecrets?: string[];
    /** Platform config without a default that the plan stood in for (`key=value`). */
    readonly standInConfig?: string[];
}

/** The value standing in for secret config the plan cannot know; secret, so never printed. */
export const PLACEHOLDER_SECRET = "offline-plan-placeholder-secret";

export interface PlanFleetOptions {
    readonly tenants: readonly Tenant[];
    /** Regions whose platform stack appears in the document (their resources are always planned). */
    readonly platformRegions?: readonly string[];
    /** Stack config for every stack planned (`--config KEY=VALUE`). */
    readonly config?: Readonly<Record<string, string>>;
}

export const PLATFORM_SOURCE = "stacks/platform.ts";

/** Config keys whose values the plan treats as secret: the program's secret keys and any secret-looking one. */
function secretKeys(config: Readonly<Record<string, string>>): string[] {
    return Object.keys(config).filter((key) => {
        const bare = key.split(":").pop() ?? key;
        return SECRET_CONFIG_KEYS.includes(bare) || isSecretLikeKey(bare);
    });
}

export async function planFleet(options: PlanFleetOptions): Promise<PlanDocument> {
    const placeholderSecrets = SECRET_CONFIG_KEYS.filter((key) => options.config?.[key] === undefined);
    const standIns = Object.entries(REQUIRED_PLATFORM_CONFIG).filter(([key]) => options.config?.[key] === undefined);
    const config = {
        ...Object.fromEntries(placeholderSecrets.map((key) => [key, PLACEHOLDER_SECRET])),
        ...Object.fromEntries(standIns),
        ...options.config,
    };
    const shownRegions = new Set(options.platformRegions ?? []);
    const regions = [...new Set([...options.tenants.map((tenant) => tenant.region), ...shownRegions])].sort();
    const stackOutputs = new Map<string, StackOutputsSnapshot>();
    const tenants: TenantPlan[] = [];
    const errors: Problem[] = [];
    const failed = (source: string, error: unknown): void => {
        if (!(error instanceof PlanError)) {
            throw error;
        }
        errors.push({ file: source, line: 1, column: 1, path: "/", message: error.message });
    };

    for (const region of regions) {
        const stack = platformStackName(region);
        try {
            const { plan, snapshot } = await planStack({ stack, region, config, secretConfigKeys: secretKeys(config), program: () => platformProgram(region) });
            stackOutputs.set(qualifiedStackName(stack), snapshot);
            if (shownRegions.has(region)) {
                tenants.push({ tenant: stack, mode: "platform", region, source: PLATFORM_SOURCE, resources: plan.resources, outputs: plan.outputs });
            }
        } catch (error) {
            failed(PLATFORM_SOURCE, error);
        }
    }
    for (const tenant of [...options.tenants].sort((a, b) => a.id.localeCompare(b.id))) {
        try {
            const { plan } = await planStack({
                stack: tenant.id,
                region: tenant.region,
                config,
                secretConfigKeys: secretKeys(config),
                stackOutputs,
                program: () => tenantProgram(tenant),
            });
            tenants.push({ tenant: tenant.id, mode: tenant.mode, region: tenant.region, source: tenant.source, resources: plan.resources, outputs: plan.outputs });
        } catch (error) {
            failed(tenant.source, error);
        }
    }
    return { version: PLAN_VERSION, tenants, errors, placeholderSecrets, standInConfig: standIns.map(([key, value]) => `${key}=${value}`) };
}
