// Route 53's rules for the records of one name and type in one hosted zone, over every planned stack:
// a name's records come from several stacks (a production stack writes the PRIMARY of a failover
// pair, its recovery stack the SECONDARY), and what ChangeResourceRecordSets refuses for the second
// one is nobody's own mistake. Pure: the planned stacks in, problems out.
//
// AWS's rules (Route 53 API Reference, ChangeResourceRecordSets and ResourceRecordSet, as in
// botocore's route53 model):
// - a record with a routing policy (failover, weighted, latency, geolocation, geoproximity, CIDR,
//   multivalue answer) needs a SetIdentifier, unique among the records of its name and type, and a
//   simple record has none;
// - the records of one name and type are either one simple record, or records of one routing
//   policy ("you can't create non-failover resource record sets that have the same values for the
//   Name and Type elements as failover alias resource record sets", and likewise for each policy);
// - a failover pair is at most one PRIMARY and one SECONDARY.

import { Problem } from "../../../stacks/config/validate";
import type { PlannedResource } from "./engine";

const RECORD = "aws:route53/record:Record";
const SOURCE = "Route 53 API Reference, ChangeResourceRecordSets, ResourceRecordSet (botocore route53 model: SetIdentifier, Failover)";

/** The provider's input of each routing policy (aws.route53.Record). */
const ROUTING_POLICIES = {
    failoverRoutingPolicies: "failover",
    weightedRoutingPolicies: "weighted",
    latencyRoutingPolicies: "latency",
    geolocationRoutingPolicies: "geolocation",
    geoproximityRoutingPolicy: "geoproximity",
    cidrRoutingPolicy: "CIDR",
    multivalueAnswerRoutingPolicy: "multivalue answer",
} as const;

/** A planned stack, as far as the check reads it (a `TenantPlan` fits). */
export interface RecordStack {
    readonly tenant: string;
    readonly source: string;
    readonly resources: readonly PlannedResource[];
}

interface Placed {
    readonly stack: RecordStack;
    readonly record: PlannedResource;
    readonly policy: string | undefined;
    readonly setIdentifier: string | undefined;
    readonly failover: string | undefined;
}

const known = (value: unknown): value is string => typeof value === "string" && value !== "" && !value.includes("[unknown]");

function policyOf(inputs: Readonly<Record<string, unknown>>): string | undefined {
    for (const [input, policy] of Object.entries(ROUTING_POLICIES)) {
        const value = inputs[input];
        if (value !== undefined && value !== null && value !== false && !(Array.isArray(value) && value.length === 0)) {
            return policy;
        }
    }
    return undefined;
}

function failoverOf(inputs: Readonly<Record<string, unknown>>): string | undefined {
    const policies = inputs.failoverRoutingPolicies;
    const first = Array.isArray(policies) ? (policies[0] as { type?: unknown } | undefined) : undefined;
    return typeof first?.type === "string" ? first.type : undefined;
}

function problem(placed: Placed, message: string): Problem {
    return {
        file: placed.stack.source,
        line: 1,
        column: 1,
        path: "/",
        message: `${placed.stack.tenant}: ${RECORD} "${placed.record.name}": ${message} (source: ${SOURCE})`,
    };
}

const who = (placed: Placed): string => `${placed.stack.tenant}'s "${placed.record.name}"`;

/** Every record Route 53 would refuse beside the others of its name and type, over the stacks. */
export function recordSetProblems(stacks: readonly RecordStack[]): Problem[] {
    const problems: Problem[] = [];
    const groups = new Map<string, Placed[]>();
    for (const stack of stacks) {
        for (const record of stack.resources.filter((resource) => resource.type === RECORD)) {
            const { zoneId, name, type } = record.inputs;
            const policy = policyOf(record.inputs);
            const setIdentifier = known(record.inputs.setIdentifier) ? record.inputs.setIdentifier : undefined;
            const placed: Placed = { stack, record, policy, setIdentifier, failover: failoverOf(record.inputs) };
            if (policy !== undefined && setIdentifier === undefined) {
                problems.push(problem(placed, `a ${policy} record needs a setIdentifier (1 to 128 characters), unique among the records of its name and type`));
            }
            if (policy === undefined && setIdentifier !== undefined) {
                problems.push(problem(placed, `setIdentifier "${setIdentifier}" on a simple record; only a record with a routing policy has one`));
            }
            if (!known(zoneId) || !known(name) || !known(type)) {
                continue;
            }
            const key = `${zoneId}|${name.toLowerCase().replace(/\.$/, "")}|${type}`;
            groups.set(key, [...(groups.get(key) ?? []), placed]);
        }
    }
    for (const [key, records] of groups) {
        if (records.length < 2) {
            continue;
        }
        const [, name, type] = key.split("|");
        const simple = records.filter((placed) => placed.policy === undefined);
        const policies = [...new Set(records.map((placed) => placed.policy ?? "simple"))];
        const later = records.slice(1);
        if (simple.length > 0) {
            for (const placed of later) {
                problems.push(problem(placed, `${name} ${type} is also written by ${who(records[0]!)}; a simple record is the only record of its name and type (use a routing policy for both, e.g. failover)`));
            }
            continue;
        }
        if (policies.length > 1) {
            problems.push(problem(records[1]!, `${name} ${type} mixes routing policies (${policies.join(", ")}); the records of one name and type share one policy`));
            continue;
        }
        const seen = new Map<string, Placed>();
        for (const placed of records) {
            const earlier = placed.setIdentifier === undefined ? undefined : seen.get(placed.setIdentifier);
            if (earlier) {
                problems.push(problem(placed, `${name} ${type} has the setIdentifier "${placed.setIdentifier}" of ${who(earlier)} too; each record of a name and type has its own`));
            } else if (placed.setIdentifier !== undefined) {
                seen.set(placed.setIdentifier, placed);
            }
        }
        for (const role of ["PRIMARY", "SECONDARY"]) {
            const sides = records.filter((placed) => placed.failover === role);
            for (const placed of sides.slice(1)) {
                problems.push(problem(placed, `${name} ${type} has a second ${role} (the first: ${who(sides[0]!)}); a failover pair is one PRIMARY and one SECONDARY`));
            }
        }
    }
    return problems;
}
