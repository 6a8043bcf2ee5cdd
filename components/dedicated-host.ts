import * as pulumi from "@pulumi/pulumi";

import * as aws from "./aws";
import { componentType } from "./types";

/** What EC2 does with the host's instances when the hardware fails. */
export type HostRecovery = "on" | "off";
/** Whether instances that do not name this host may land on it. */
export type AutoPlacement = "on" | "off";

export interface DedicatedHostArgs {
    /** The zone the host is allocated in; every instance on it and every subnet they use must be there. Required. */
    readonly availabilityZone: pulumi.Input<string>;
    /**
     * Instance family the host runs, e.g. `m6i`: the host accepts any size of that family, so the
     * application servers and the database server can differ in size. Required: the host's price
     * and capacity follow from it.
     */
    readonly instanceFamily: string;
    /**
     * `on`: when the host's hardware fails, EC2 restarts its instances on a replacement host (a new
     * host with a new host id; refresh the stack afterwards so the next deployment does not try to
     * allocate yet another). Default: "on"; with "off" a failed host's instances stay down until an
     * operator moves them.
     */
    readonly hostRecovery?: HostRecovery;
    /**
     * `off`: only instances that name this host id land on it, so nothing of another tenant or
     * stack can ever share the hardware. Default: "off", the point of the `physical` mode.
     */
    readonly autoPlacement?: AutoPlacement;
}

/** EC2 type names: a family (letters, digits, `-` as in `u-6tb1` or `m7i-flex`) and a size, optionally prefixed `db.` (an RDS class). */
const INSTANCE_TYPE = /^(db\.)?([a-z][a-z0-9-]*[a-z0-9])\.([a-z0-9][a-z0-9-]*)$/;
const INSTANCE_FAMILY = /^[a-z][a-z0-9-]*[a-z0-9]$/;

function parseInstanceType(instanceType: string): { rds: boolean; family: string; size: string } {
    const match = INSTANCE_TYPE.exec(instanceType);
    // No EC2 family is called `db`: "db.m6i" is an RDS class without its size, not family `db`.
    if (!match?.[2] || !match[3] || match[2] === "db") {
        throw new Error(
            `instance type "${instanceType}" is not allowed; expected <family>.<size> such as "m6i.xlarge", or an RDS class such as "db.m6i.large"`,
        );
    }
    return { rds: match[1] !== undefined, family: match[2], size: match[3] };
}

/** The family of an EC2 type or RDS class: "m6i.xlarge" and "db.m6i.large" are both `m6i`. */
export function instanceFamilyOf(instanceType: string): string {
    return parseInstanceType(instanceType).family;
}

/**
 * The EC2 type of `family` with the size of an RDS class: "db.m6g.large" on an `m6i` host is
 * "m6i.large". A host runs one family, so a database sized as an RDS class in the cloud modes
 * keeps its size and takes the host's family. A size the family does not have (e.g. `medium` on
 * `m6i`) is refused by the tenant validator (stacks/config/sizing-rules.ts) before any plan.
 */
export function hostInstanceType(family: string, dbInstanceClass: string): string {
    if (!INSTANCE_FAMILY.test(family) || family === "db") {
        throw new Error(`instance family "${family}" is not allowed; expected a family such as "m6i" (no size, no "db." prefix)`);
    }
    const parsed = parseInstanceType(dbInstanceClass);
    if (!parsed.rds) {
        throw new Error(`RDS instance class "${dbInstanceClass}" is not allowed; expected "db.<family>.<size>" such as "db.m6g.large"`);
    }
    return `${family}.${parsed.size}`;
}

/**
 * A tenant's own physical server: an EC2 Dedicated Host that runs only instances naming it
 * (auto-placement off) and recovers onto replacement hardware when it fails.
 *
 * Not protected: releasing a host destroys no data (the volumes are EBS, apart from the host),
 * and EC2 refuses to release a host while instances run on it, so an accidental deletion fails
 * on its own. Protection would instead stand in the way of the changes that must replace the
 * host (another family or zone), which replace its instances too: those volumes carry the data.
 */
export class DedicatedHost extends pulumi.ComponentResource {
    public readonly hostId: pulumi.Output<string>;
    public readonly hostArn: pulumi.Output<string>;
    public readonly availabilityZone: pulumi.Output<string>;

    constructor(name: string, args: DedicatedHostArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("compute", "DedicatedHost"), name, {}, opts);

        const hostRecovery = args.hostRecovery ?? "on";
        const autoPlacement = args.autoPlacement ?? "off";
        if (!INSTANCE_FAMILY.test(args.instanceFamily) || args.instanceFamily === "db") {
            throw new pulumi.ResourceError(
                `instanceFamily: "${args.instanceFamily}" is not allowed; expected an instance family such as "m6i" (no size; use instanceFamilyOf("m6i.xlarge"))`,
                this,
            );
        }

        const host = new aws.ec2.DedicatedHost(
            `${name}-host`,
            {
                availabilityZone: args.availabilityZone,
                instanceFamily: args.instanceFamily,
                hostRecovery,
                autoPlacement,
                tags: { Name: name },
            },
            { parent: this },
        );

        this.hostId = host.id;
        this.hostArn = host.arn;
        this.availabilityZone = host.availabilityZone;
        this.registerOutputs({ hostId: this.hostId, hostArn: this.hostArn, availabilityZone: this.availabilityZone });
    }
}
