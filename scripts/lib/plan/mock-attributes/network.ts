import { MockAttributes } from "./types";

/** The zone id AWS pairs with a zone name, the same way the mocks' getAvailabilityZones does. */
function zoneIdOf(region: string, zoneName: unknown): string | undefined {
    if (typeof zoneName !== "string" || !zoneName.startsWith(region)) {
        return undefined;
    }
    const letter = zoneName.slice(region.length);
    const n = "abcdef".indexOf(letter) + 1;
    return n > 0 ? `${region.replace(/-/g, "").slice(0, 4)}-az${n}` : undefined;
}

/** Attributes AWS returns for the network resources the program creates. */
export const networkAttributes: MockAttributes = {
    "aws:ec2/vpc:Vpc": ({ account, hex }) => {
        const mainRouteTableId = `rtb-${hex(17, "main-route-table")}`;
        return {
            ownerId: account,
            defaultSecurityGroupId: `sg-${hex(17, "default-security-group")}`,
            defaultNetworkAclId: `acl-${hex(17, "default-network-acl")}`,
            mainRouteTableId,
            defaultRouteTableId: mainRouteTableId,
            dhcpOptionsId: `dopt-${hex(17, "dhcp-options")}`,
            instanceTenancy: "default",
        };
    },
    "aws:ec2/subnet:Subnet": ({ inputs, region, account }) => ({
        ownerId: account,
        availabilityZoneId: zoneIdOf(region, inputs.availabilityZone),
    }),
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": ({ inputs, region, account, stateOf }) => {
        // The provider adopts the group AWS made with the VPC rather than creating one.
        const vpc = typeof inputs.vpcId === "string" ? stateOf(inputs.vpcId) : undefined;
        const groupId = typeof vpc?.defaultSecurityGroupId === "string" ? vpc.defaultSecurityGroupId : undefined;
        return {
            name: "default",
            description: "default VPC security group",
            ownerId: account,
            ...(groupId ? { arn: `arn:aws:ec2:${region}:${account}:security-group/${groupId}` } : {}),
        };
    },
    "aws:ec2/routeTable:RouteTable": ({ account }) => ({ ownerId: account }),
    "aws:ec2/internetGateway:InternetGateway": ({ account }) => ({ ownerId: account }),
    "aws:ec2/networkAcl:NetworkAcl": ({ account }) => ({ ownerId: account }),
    "aws:ec2/managedPrefixList:ManagedPrefixList": ({ id, region, account }) => ({
        arn: `arn:aws:ec2:${region}:${account}:prefix-list/${id}`,
        ownerId: account,
        version: 1,
    }),
    "aws:ec2transitgateway/vpcAttachment:VpcAttachment": ({ id, region, account }) => ({
        arn: `arn:aws:ec2:${region}:${account}:transit-gateway-attachment/${id}`,
        vpcOwnerId: account,
    }),
    "aws:ec2/flowLog:FlowLog": ({ id, region, account }) => ({
        arn: `arn:aws:ec2:${region}:${account}:vpc-flow-log/${id}`,
    }),
    "aws:ec2/vpcEndpoint:VpcEndpoint": ({ inputs, id, region, account, hex }) => {
        const service = typeof inputs.serviceName === "string" ? inputs.serviceName : "";
        const common = { ownerId: account, state: "available", requesterManaged: false };
        if (inputs.vpcEndpointType === "Gateway") {
            // Gateway endpoints add a route to the service's AWS-managed prefix list.
            return { ...common, dnsEntries: [], networkInterfaceIds: [], prefixListId: `pl-${hex(8, "prefix-list")}`, cidrBlocks: [] };
        }
        const shortName = service.replace(/^com\.amazonaws\.[a-z0-9-]+\./, "");
        const base = `${id}-${hex(8, "dns")}.${shortName}.${region}.vpce.amazonaws.com`;
        const subnets = Array.isArray(inputs.subnetIds) ? inputs.subnetIds : [];
        return {
            ...common,
            dnsEntries: [base, ...subnets.map((_, i) => `${id}-${hex(8, "dns")}-${region}${"abcdef"[i] ?? "a"}.${shortName}.${region}.vpce.amazonaws.com`)].map((dnsName) => ({
                dnsName,
                hostedZoneId: `Z${hex(13, "zone").toUpperCase()}`,
            })),
            networkInterfaceIds: subnets.map((_, i) => `eni-${hex(17, `eni-${i}`)}`),
        };
    },
};
