// Suspicious networks are blocked (security documentation, 6.3) by both firewalls: the web firewall
// at the door and every subnet's network ACL, which also guards what the door does not (the VPN,
// the replies' ports). The program denies the platform's one list at both (lib/network-plan.ts).

import { ofType } from "../graph";
import { PolicyResource, PolicyStack, ResourceRule } from "../types";
import { T } from "./shared";
import { WEB_ACL } from "./enableWebAclLogging";

const IP_SET = "aws:wafv2/ipSet:IpSet";

/** The addresses of the IP sets the stack's web ACLs block (action block, ipSetReferenceStatement), with the set's name. */
function blockedNetworks(stack: PolicyStack): { network: string; set: string }[] {
    const sets = ofType(stack, IP_SET);
    return ofType(stack, WEB_ACL).flatMap((acl) =>
        ((Array.isArray(acl.props.rules) ? acl.props.rules : []) as Record<string, Record<string, Record<string, unknown>> | undefined>[])
            .filter((rule) => rule?.action?.block !== undefined)
            .map((rule) => rule?.statement?.ipSetReferenceStatement?.arn)
            .flatMap((arn) => sets.filter((set) => typeof arn === "string" && (arn === set.props.arn || arn.endsWith(`/${set.id}`))))
            .flatMap((set) => ((Array.isArray(set.props.addresses) ? set.props.addresses : []) as unknown[]).map((network) => ({ network: String(network), set: set.name }))),
    );
}

interface Entry {
    readonly ruleNo: number;
    readonly action: unknown;
    readonly protocol: unknown;
    readonly cidr: unknown;
}

/** The ACL's ingress entries: its inline blocks and the NetworkAclRule resources on it. */
function ingressOf(acl: PolicyResource, stack: PolicyStack): Entry[] {
    const inline = ((Array.isArray(acl.props.ingress) ? acl.props.ingress : []) as Record<string, unknown>[]).map((entry) => ({
        ruleNo: Number(entry?.ruleNo),
        action: entry?.action,
        protocol: entry?.protocol,
        cidr: entry?.cidrBlock,
    }));
    const separate = ofType(stack, T.networkAclRule)
        .filter((rule) => rule.props.networkAclId === acl.id && rule.props.egress !== true)
        .map((rule) => ({ ruleNo: Number(rule.props.ruleNumber), action: rule.props.ruleAction, protocol: rule.props.protocol, cidr: rule.props.cidrBlock }));
    return [...inline, ...separate];
}

function deniesProblems(acl: PolicyResource, stack: PolicyStack): string[] {
    const entries = ingressOf(acl, stack);
    const firstAllow = Math.min(...entries.filter((entry) => entry.action === "allow").map((entry) => entry.ruleNo));
    return blockedNetworks(stack).flatMap(({ network, set }) => {
        const deny = entries.find((entry) => entry.action === "deny" && entry.cidr === network && ["-1", "all"].includes(String(entry.protocol)) && entry.ruleNo < firstAllow);
        return deny
            ? []
            : [`does not deny ${network} (a suspicious network the web firewall blocks, IP set ${set}) on every protocol ahead of its allow rules: the network still reaches the subnets past the door`];
    });
}

export const enforceNetworkAclSuspiciousDenies: ResourceRule = {
    kind: "resource",
    name: "ec2-network-acl-denies-suspicious-networks",
    description:
        "Every network ACL of a stack whose web firewall blocks an IP set (the suspicious networks) denies each of its networks on ingress, every protocol, with a rule number below its first allow rule.",
    why:
        "The service promises that suspicious networks are blocked (security documentation, 6.3); the program denies the platform's one list at the web firewall and at every network ACL. " +
        "The web firewall sees HTTP(S) at the door only: without the ACL's denies the networks still reach the VPC's other ports and the replies' range.",
    enforcement: "mandatory",
    resourceTypes: [T.networkAcl],
    validate: deniesProblems,
};
