import { cidrsWithin } from "../graph";
import { ResourceRule } from "../types";
import { adminPortsIn, describePorts, ingressPermissionsOf, portRangeOf, prefixListCidrs, SECURITY_GROUP_INGRESS_TYPES } from "./shared";

export const enforceSecurityGroupAdminPortSources: ResourceRule = {
    kind: "resource",
    name: "ec2-security-group-admin-ports-from-operations",
    description:
        "A security-group ingress covering an administration port (SSH, RDP, WinRM, database engines; protocol -1 covers them all) admits CIDRs only inside the operations network, " +
        "directly or through a managed prefix list of the stack whose every entry lies inside it; a referenced security group (traffic from inside) is fine.",
    why: "Administration happens from the operations network only, through the operations VPN: an administration port open to any other network is a way in that bypasses it.",
    enforcement: "mandatory",
    resourceTypes: SECURITY_GROUP_INGRESS_TYPES,
    validate(resource, stack, settings) {
        const operations = settings.operationsCidrs;
        const allowed = `administration ports admit only the operations network (${operations.join(", ") || "none known"})`;
        return ingressPermissionsOf(resource).flatMap((permission) => {
            const fromAddresses = permission.cidrs.length > 0 || permission.prefixListIds.length > 0;
            if (!fromAddresses && permission.fromGroups) {
                return [];
            }
            const ports = describePorts(permission.protocol, permission.fromPort, permission.toPort);
            const range = portRangeOf(permission.protocol, permission.fromPort, permission.toPort);
            if (range === undefined) {
                return [`${permission.where}admits ${ports}, so whether it opens an administration port cannot be told`];
            }
            const services = adminPortsIn(range);
            if (services.length === 0) {
                return [];
            }
            const on = services.join(", ");
            const problems: string[] = [];
            for (const cidr of permission.cidrs) {
                if (typeof cidr !== "string" || !cidrsWithin([cidr], operations)) {
                    problems.push(`${permission.where}admits ${String(cidr)} on ${on}; ${allowed}`);
                }
            }
            for (const id of permission.prefixListIds) {
                const prefixList = prefixListCidrs(stack, id);
                if (prefixList === undefined) {
                    problems.push(`${permission.where}admits prefix list ${String(id)} on ${on}, which is not in the stack; whom it admits cannot be told`);
                    continue;
                }
                for (const cidr of prefixList.cidrs) {
                    if (typeof cidr !== "string" || !cidrsWithin([cidr], operations)) {
                        problems.push(`${permission.where}admits ${String(cidr)} (prefix list ${prefixList.list.name}) on ${on}; ${allowed}`);
                    }
                }
            }
            if (!fromAddresses) {
                problems.push(`${permission.where}opens ${on} but names no source that can be read`);
            }
            return problems;
        });
    },
};
