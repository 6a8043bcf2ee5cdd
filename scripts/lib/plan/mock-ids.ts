// How AWS shapes the ids the offline plan's mocks give: deterministic hex and UUIDs from a seed,
// the parts of a type token, and the id prefixes of EC2-style resources.

import { createHash } from "node:crypto";

export function hex(seed: string, length: number): string {
    let out = "";
    for (let i = 0; out.length < length; i++) {
        out += sha256(`${seed}#${i}`);
    }
    return out.slice(0, length);
}

// A mock asks for several values of one seed in a row (an id, then its ARN's and attributes'
// parts): the last digest is kept rather than computed again.
let lastInput: string | undefined;
let lastDigest = "";

function sha256(input: string): string {
    if (input !== lastInput) {
        lastDigest = createHash("sha256").update(input).digest("hex");
        lastInput = input;
    }
    return lastDigest;
}

export function uuid(seed: string): string {
    const h = hex(seed, 32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** `aws:ec2/securityGroup:SecurityGroup` -> { module: "ec2", resource: "SecurityGroup" }. */
export function splitType(type: string): { pkg: string; module: string; resource: string } {
    const [pkg = "", middle = "", resource = ""] = type.split(":");
    return { pkg, module: middle.split("/")[0] ?? "", resource };
}

export function kebab(name: string): string {
    return name.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();
}

/** Id prefixes AWS uses for EC2-style resources. */
export const EC2_ID_PREFIX: Record<string, string> = {
    "aws:ec2/vpc:Vpc": "vpc",
    "aws:ec2/subnet:Subnet": "subnet",
    "aws:ec2/securityGroup:SecurityGroup": "sg",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "sgr",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "sgr",
    "aws:ec2/instance:Instance": "i",
    "aws:ec2/networkInterface:NetworkInterface": "eni",
    "aws:ec2/networkInterfaceAttachment:NetworkInterfaceAttachment": "eni-attach",
    "aws:ec2/internetGateway:InternetGateway": "igw",
    "aws:ec2/natGateway:NatGateway": "nat",
    "aws:ec2/eip:Eip": "eipalloc",
    "aws:ec2/routeTable:RouteTable": "rtb",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "rtbassoc",
    "aws:ec2/networkAcl:NetworkAcl": "acl",
    "aws:ec2/vpnGateway:VpnGateway": "vgw",
    "aws:ec2/customerGateway:CustomerGateway": "cgw",
    "aws:ec2/vpnConnection:VpnConnection": "vpn",
    "aws:ec2/flowLog:FlowLog": "fl",
    "aws:ebs/volume:Volume": "vol",
    "aws:ec2/dedicatedHost:DedicatedHost": "h",
    "aws:ec2/launchTemplate:LaunchTemplate": "lt",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce",
    "aws:ec2transitgateway/transitGateway:TransitGateway": "tgw",
    "aws:ec2transitgateway/vpcAttachment:VpcAttachment": "tgw-attach",
    "aws:ec2transitgateway/routeTable:RouteTable": "tgw-rtb",
    "aws:ec2clientvpn/endpoint:Endpoint": "cvpn-endpoint",
    "aws:ec2/placementGroup:PlacementGroup": "pg",
    "aws:ec2/managedPrefixList:ManagedPrefixList": "pl",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "sg",
};
