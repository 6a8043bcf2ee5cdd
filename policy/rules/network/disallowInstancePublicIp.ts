import { byRef } from "../graph";
import { ResourceRule } from "../types";
import { T } from "./shared";

export const disallowInstancePublicIp: ResourceRule = {
    kind: "resource",
    name: "ec2-instance-no-public-ip",
    description:
        "No EC2 instance has a public address: associatePublicIpAddress is not true (and is false where the subnet is not in the stack), and no Elastic IP is attached to an instance or interface.",
    why: "Servers are reached only through the load balancer and, for operators, through the admin network: a public address would bypass both, and the network ACL, WAF and security groups built around them.",
    enforcement: "mandatory",
    resourceTypes: [T.instance, T.eip, T.eipAssociation],
    validate(resource, stack) {
        const props = resource.props;
        if (resource.type === T.eip) {
            const target = props.instance ?? props.networkInterface;
            return target === undefined ? [] : [`attaches a public address to ${String(target)}; expected no Elastic IP on a server`];
        }
        if (resource.type === T.eipAssociation) {
            return [`associates a public address with ${String(props.instanceId ?? props.networkInterfaceId)}; expected no Elastic IP on a server`];
        }
        if (props.associatePublicIpAddress === true) {
            return ["associatePublicIpAddress is true; expected false"];
        }
        // Unset, AWS follows the subnet's mapPublicIpOnLaunch, which ec2-subnet-no-public-ip-on-launch
        // checks for the stack's subnets; of any other subnet nothing is known.
        if (props.associatePublicIpAddress === undefined && byRef(stack, props.subnetId)?.type !== T.subnet) {
            return [`associatePublicIpAddress is not set and subnet ${String(props.subnetId)} is not in the stack, so whether it gets a public address cannot be told; set it to false`];
        }
        return [];
    },
};
