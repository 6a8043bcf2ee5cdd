// The monthly cost estimate of a planned stack, from the versioned table of AWS list prices in
// prices.json. Pure: the same plan and table always give the same cents.
//
// What the estimate cannot know is reported as unknown, never as zero: a charge that depends on
// usage (storage, log ingestion, threat analysis, operator connections), a region or variant the
// table has no price for, and any resource type that is neither priced (./pricers) nor listed in
// FREE_TYPES (./free-types.ts), so a new kind of resource cannot slip into an estimate for free. Usage charges on top
// of a fixed fee (ALB LCUs, endpoint and gateway data, WAF requests, KMS requests) are not unknowns:
// the fixed fee is priced, the ALB at an assumed LCU, and prices.json's notes say what is left out.
// The table is read in ./price-table.ts; the cost of a change (two estimates compared) is ./delta.ts.

import { Mode, MODES } from "../../../lib/modes";
import { toCents } from "./cents";
import { isFreeType } from "./free-types";
import { PRICES, PriceTable, rateIn } from "./price-table";
import { PRICERS } from "./pricers";
import { Context, unknownLine } from "./pricers/pricer";

/** The part of a planned stack the estimate reads (a `TenantPlan` of the plan document fits). */
export interface PlannedStack {
    readonly tenant: string;
    readonly mode: Mode | "platform";
    readonly region: string;
    readonly resources: readonly { readonly type: string; readonly name: string; readonly inputs: Readonly<Record<string, unknown>> }[];
}

/** One charge of one resource; `monthlyUsd` null when it cannot be known, with the reason. */
export interface CostItem {
    readonly resource: string;
    readonly type: string;
    readonly what: string;
    readonly monthlyUsd: number | null;
    readonly reason?: string;
}

export interface UnknownCost {
    readonly resource: string;
    readonly type: string;
    readonly reason: string;
}

export interface StackEstimate {
    readonly tenant: string;
    readonly mode: Mode | "platform";
    readonly region: string;
    /** The price table's version the numbers come from. */
    readonly priceVersion: string;
    /** The sum of the known items, in USD rounded to cents. Unknown items are not in it. */
    readonly monthlyUsd: number;
    /** Every charge, in plan order; resources known to be free are left out. */
    readonly items: CostItem[];
    /** The items whose cost cannot be known, with why. */
    readonly unknown: UnknownCost[];
}

function sumCents(values: readonly (number | null)[]): number {
    return values.reduce<number>((sum, value) => sum + (value === null ? 0 : toCents(value)), 0);
}

/** The monthly cost of one planned stack at the table's list prices. */
export function estimateStack(plan: PlannedStack, prices: PriceTable = PRICES): StackEstimate {
    const context: Context = {
        hours: prices.hoursPerMonth,
        assumptions: prices.assumptions,
        rate: (key, variant) => rateIn(prices, plan.region, key, variant),
    };
    const items: CostItem[] = [];
    for (const resource of plan.resources) {
        if (isFreeType(resource.type)) {
            continue;
        }
        const pricer = PRICERS[resource.type];
        const lines = pricer
            ? pricer(resource.inputs, context)
            : [unknownLine("not in the price table", `resource type ${resource.type} is neither priced nor known to be free; add it to scripts/lib/cost/pricers/ or scripts/lib/cost/free-types.ts`)];
        for (const entry of lines) {
            items.push({ resource: resource.name, type: resource.type, ...entry });
        }
    }
    const unknown = items.filter((item) => item.monthlyUsd === null).map((item) => ({ resource: item.resource, type: item.type, reason: item.reason ?? "unknown" }));
    return {
        tenant: plan.tenant,
        mode: plan.mode,
        region: plan.region,
        priceVersion: prices.version,
        monthlyUsd: sumCents(items.map((item) => item.monthlyUsd)) / 100,
        items,
        unknown,
    };
}

export interface ModeEstimate {
    readonly mode: Mode | "platform";
    /** The stacks of the mode, sorted. */
    readonly tenants: string[];
    /** The sum of their known costs. */
    readonly monthlyUsd: number;
    /** How many items of those stacks are unknown. */
    readonly unknownItems: number;
}

/** Totals per mode, in the order of MODES, then the platform; modes without a stack are left out. */
export function estimateByMode(stacks: readonly StackEstimate[]): ModeEstimate[] {
    return [...MODES, "platform" as const].flatMap((mode) => {
        const ofMode = stacks.filter((stack) => stack.mode === mode);
        if (ofMode.length === 0) {
            return [];
        }
        return [
            {
                mode,
                tenants: ofMode.map((stack) => stack.tenant).sort(),
                monthlyUsd: sumCents(ofMode.map((stack) => stack.monthlyUsd)) / 100,
                unknownItems: ofMode.reduce((sum, stack) => sum + stack.unknown.length, 0),
            },
        ];
    });
}
