// How the servers of a physical tenant fit EC2 Dedicated Hosts of their family: how many hosts, and
// which server on which. The validator refuses what cannot fit; the program allocates what this
// says. Pure.
//
// AWS's rules (Amazon EC2 User Guide, "Amazon EC2 Dedicated Host instance capacity configurations",
// docs.aws.amazon.com/AWSEC2/latest/UserGuide/dedicated-hosts-limits.html): a host allocated for an
// instance family ("multiple instance type support", which DedicatedHost does with
// `instanceFamily`) runs any combination of sizes of that one family "within the host's physical
// core capacity"; a bare-metal size takes the whole host. EC2's model lists neither cores nor
// vCPUs, so capacity is derived from its list of types (instance-types.ts): a size's vCPUs from
// its name, the host's from the family's largest non-metal size. Servers are packed by vCPUs, first
// fit in the order given: the database server first, then the application servers in order, so a
// server added later never moves an earlier one to another host (a moved server is replaced).
//
// Fitting never fails for sizes the family has: any one instance fits a host of its family, so the
// servers take at most one host each (11 at the contract's 10 servers). No maximum is imposed here:
// how many Dedicated Hosts of a family an account may run is its EC2 service quota ("Running
// Dedicated <family> Hosts"), the account's data, not the file's; the plan lists every host and the
// cost estimate prices each.

import { FAMILY_SIZES, hostVcpus, isMetalSize, parseTypeName, sizeVcpus } from "./instance-types";

export interface HostPacking {
    /** How many hosts of the family the servers need (at least 1). */
    readonly hostCount: number;
    /** The host index of each server, in the order the servers were given. */
    readonly hostOf: readonly number[];
}

/** Why servers cannot be placed on hosts of a family: the first type that cannot, and why. */
export interface HostPackingProblem {
    /** Index of the server that cannot be placed. */
    readonly server: number;
    readonly message: string;
}

/**
 * The families that run on the Xen hypervisor, not the AWS Nitro System. EC2 allocates a Dedicated
 * Host for an instance family ("multiple instance type support", `instanceFamily`) only on Nitro:
 * "For instance families that are not powered by the AWS Nitro system, you can only configure the
 * Dedicated Host for a specific instance type" (Amazon EC2 User Guide, "Dedicated Host instance
 * capacity"). Which families those are: the User Guide's "Instances built on the AWS Nitro System"
 * names every Nitro family; these are the families of EC2's list it does not name (the previous
 * generation, and C4, D2, F1, G3, H1, I3, M4, P2, P3, R4, T2, X1 and X1e of the current one).
 * `p3dn` and `i3en` are families of their own, built on Nitro; `i3.metal` is Nitro hardware, but a
 * host allocated for the i3 family is not.
 */
export const XEN_FAMILIES: ReadonlySet<string> = new Set([
    "c1", "c3", "c4", "cc1", "cc2", "cg1", "cr1", "d2", "f1", "g2", "g3", "g3s", "h1", "hi1", "hs1",
    "i2", "i3", "m1", "m2", "m3", "m4", "p2", "p3", "r3", "r4", "t1", "t2", "x1", "x1e",
]);

/** The sizes of a family, for messages. */
export function familySizes(family: string): readonly string[] {
    return FAMILY_SIZES.get(family) ?? [];
}

/**
 * Packs `instanceTypes` (each of `family`) onto the fewest hosts in order, first fit. Returns a
 * problem for a type of another family or a size the family has not got.
 */
export function packOnHosts(family: string, instanceTypes: readonly string[]): HostPacking | HostPackingProblem {
    const capacity = hostVcpus(family);
    const used: number[] = [];
    const hostOf: number[] = [];
    for (const [server, instanceType] of instanceTypes.entries()) {
        const parsed = parseTypeName(instanceType);
        if (!parsed || parsed.family !== family) {
            return { server, message: `${instanceType} is not of the host's family ${family}` };
        }
        if (!familySizes(family).includes(parsed.size)) {
            return { server, message: `${instanceType} does not exist; ${family} has ${familySizes(family).join(", ") || "no sizes"}` };
        }
        const vcpus = sizeVcpus(parsed.size);
        // A metal size, a size outside the naming convention, or a family without a known capacity:
        // the server gets a host of its own, which always fits.
        if (isMetalSize(parsed.size) || vcpus === undefined || capacity === undefined) {
            used.push(Infinity);
            hostOf.push(used.length - 1);
            continue;
        }
        const host = used.findIndex((taken) => taken + vcpus <= capacity);
        if (host === -1) {
            used.push(vcpus);
            hostOf.push(used.length - 1);
        } else {
            used[host] = used[host]! + vcpus;
            hostOf.push(host);
        }
    }
    return { hostCount: Math.max(1, used.length), hostOf };
}

/** True when packing succeeded. */
export function isPacking(result: HostPacking | HostPackingProblem): result is HostPacking {
    return "hostOf" in result;
}
