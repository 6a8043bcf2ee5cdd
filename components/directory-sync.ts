import * as pulumi from "@pulumi/pulumi";

import { AWS_DIRECTORY_NAME } from "../lib/hosts";
import { isCanonicalCidr, parseAddress } from "../lib/ipv4";
import * as aws from "./aws";
import { componentType } from "./types";

export type AclProtocol = "tcp" | "udp";

/** A service the AD Connector reaches on the customer's domain controllers. */
export interface DirectoryPort {
    readonly service: string;
    readonly fromPort: number;
    readonly toPort: number;
    readonly protocols: readonly AclProtocol[];
}

/** What the AD Connector needs of the customer's domain controllers, and nothing more. */
// What AD Connector needs of the customer's domain controllers (DNS, Kerberos, LDAP over TCP and
// UDP) plus LDAPS. Kept to these so that two controllers fit in a network ACL's default quota of 20
// rules per direction (7 x 2 = 14 outbound).
export const DIRECTORY_PORTS: readonly DirectoryPort[] = [
    { service: "dns", fromPort: 53, toPort: 53, protocols: ["tcp", "udp"] },
    { service: "kerberos", fromPort: 88, toPort: 88, protocols: ["tcp", "udp"] },
    { service: "ldap", fromPort: 389, toPort: 389, protocols: ["tcp", "udp"] },
    { service: "ldaps", fromPort: 636, toPort: 636, protocols: ["tcp"] },
];

/** Rules a network ACL holds per direction without a quota increase. */
export const NETWORK_ACL_RULES_PER_DIRECTION = 20;

/** Network ACLs are stateless: the controllers' replies come back to these client ports. */
export const EPHEMERAL_PORTS = { fromPort: 1024, toPort: 65535 } as const;

/** One allow rule of the connector subnets' network ACL. */
export interface DirectoryAclRule {
    /** Stable suffix of the rule's logical name, e.g. `out-dc1-ldap-tcp`. */
    readonly key: string;
    readonly egress: boolean;
    readonly ruleNumber: number;
    readonly protocol: AclProtocol;
    readonly cidrBlock: string;
    readonly fromPort: number;
    readonly toPort: number;
}

/**
 * The connector subnets' allow rules: out to each controller on the directory ports, in from each
 * controller on the ephemeral ports. Everything else falls to the ACL's final deny. Rule numbers
 * leave gaps of 10 for an operator's temporary rule while troubleshooting.
 *
 * With two controllers that is 22 outbound rules, above the default quota of 20 rules per direction
 * per network ACL ("Rules per network ACL", adjustable to 40): the account needs that quota raised.
 */
export function directoryAclRules(dnsIps: readonly string[], ports: readonly DirectoryPort[] = DIRECTORY_PORTS): DirectoryAclRule[] {
    const outbound = dnsIps.flatMap((ip, index) =>
        ports.flatMap((port) =>
            port.protocols.map((protocol) => ({
                key: `out-dc${index + 1}-${port.service}-${protocol}`,
                egress: true,
                protocol,
                cidrBlock: `${ip}/32`,
                fromPort: port.fromPort,
                toPort: port.toPort,
            })),
        ),
    );
    const inbound = dnsIps.flatMap((ip, index) =>
        (["tcp", "udp"] as const).map((protocol) => ({
            key: `in-dc${index + 1}-ephemeral-${protocol}`,
            egress: false,
            protocol,
            cidrBlock: `${ip}/32`,
            fromPort: EPHEMERAL_PORTS.fromPort,
            toPort: EPHEMERAL_PORTS.toPort,
        })),
    );
    const numbered = (rules: Omit<DirectoryAclRule, "ruleNumber">[]): DirectoryAclRule[] =>
        rules.map((rule, index) => ({ ...rule, ruleNumber: 100 + index * 10 }));
    return [...numbered(outbound), ...numbered(inbound)];
}

/**
 * The longest description AWS Directory Service takes (ConnectDirectory `Description`: 0 to 128
 * characters, botocore ds 2015-04-16 shape `Description`; the catalogue's rule).
 */
export const DIRECTORY_DESCRIPTION_MAX = 128;

/**
 * The connector's description: `AD Connector to <directory> across the site-to-site VPN`, which
 * a contract-valid directory name over 84 characters would take past AWS's 128; such a connector is
 * described without its name (the name is the directory's own `name`). Names that fit keep the
 * text they were deployed with: the description is force-new, a change would replace the connector.
 */
export function connectorDescription(directoryName: string): string {
    const full = `AD Connector to ${directoryName} across the site-to-site VPN`;
    return full.length <= DIRECTORY_DESCRIPTION_MAX ? full : "AD Connector to the customer directory across the site-to-site VPN";
}

/** Problems with the directory link's arguments, each naming the field, the value and what is allowed. */
export function directorySyncProblems(args: {
    directoryName: string;
    dnsIps: readonly string[];
    subnetCidrs: readonly string[];
    availabilityZones: readonly unknown[];
}): string[] {
    const problems: string[] = [];
    if (!AWS_DIRECTORY_NAME.test(args.directoryName) || !args.directoryName.includes(".")) {
        problems.push(`directoryName: "${args.directoryName}" is not allowed; expected the domain's fully qualified name, e.g. corp.example.com`);
    }
    const invalid = args.dnsIps.filter((ip) => parseAddress(ip) === undefined);
    if (args.dnsIps.length !== 2 || invalid.length > 0 || new Set(args.dnsIps).size !== args.dnsIps.length) {
        problems.push(`dnsIps: [${args.dnsIps.join(", ")}] is not allowed; expected exactly 2 distinct IPv4 addresses of the domain's DNS servers`);
    }
    if (args.subnetCidrs.length !== 2 || !args.subnetCidrs.every(isCanonicalCidr) || new Set(args.subnetCidrs).size !== args.subnetCidrs.length) {
        problems.push(`subnetCidrs: [${args.subnetCidrs.join(", ")}] is not allowed; expected exactly 2 distinct network CIDRs, one per availability zone`);
    }
    // Unresolved zones (outputs) are checked by AWS; literal ones must differ here already.
    const literalZones = args.availabilityZones.filter((zone): zone is string => typeof zone === "string");
    if (args.availabilityZones.length !== 2 || new Set(literalZones).size !== literalZones.length) {
        problems.push(`availabilityZones: [${literalZones.join(", ")}] is not allowed; expected exactly 2 different availability zones`);
    }
    return problems;
}

export interface DirectorySyncArgs {
    /** Fully qualified name of the customer's Active Directory domain, e.g. `corp.acme.com`. Required. */
    readonly directoryName: string;
    /** The domain's two DNS servers (usually domain controllers), across the VPN. Required. */
    readonly dnsIps: readonly string[];
    /** The customer's service account the connector signs in with (its user name only). Required. */
    readonly serviceAccount: string;
    /** The service account's password, from secret stack config. Required; kept secret. */
    readonly password: pulumi.Input<string>;
    /** The tenant's VPC. Required. */
    readonly vpcId: pulumi.Input<string>;
    /** Two different availability zones, one per connector subnet. Required. */
    readonly availabilityZones: pulumi.Input<string>[];
    /** Two CIDRs of the tenant network reserved for the connector, one per zone. Required. */
    readonly subnetCidrs: readonly string[];
    /** The VPN's virtual private gateway: the connector subnets learn the customer's routes from it. Required. */
    readonly vpnGatewayId: pulumi.Input<string>;
    /** Connector size. Default: `Small` (up to 10,000 users per AWS). */
    readonly size?: "Small" | "Large";
}

/**
 * Users from the customer's Active Directory, reached across the site-to-site VPN through an AWS
 * Directory Service AD Connector in two subnets of its own. AWS creates the connector's security
 * group itself (all outbound allowed), so the promise "only directory ports, only to the customer's
 * DNS servers" is kept one level down: the subnets' network ACL allows nothing else, and their route
 * table knows only the VPC and the routes the VPN gateway propagates.
 */
export class DirectorySync extends pulumi.ComponentResource {
    public readonly directoryId: pulumi.Output<string>;
    /** The directory's access portal, `<alias>.awsapps.com`. */
    public readonly accessUrl: pulumi.Output<string>;
    /** The DNS servers the connector uses (for an AD Connector, the customer's). */
    public readonly dnsIpAddresses: pulumi.Output<string[]>;
    /** The security group AWS created for the connector's network interfaces. */
    public readonly securityGroupId: pulumi.Output<string>;
    public readonly subnetIds: pulumi.Output<string[]>;

    constructor(name: string, args: DirectorySyncArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("connectivity", "DirectorySync"), name, {}, opts);

        const size = args.size ?? "Small";
        const problems = directorySyncProblems(args);
        if (problems.length > 0) {
            throw new pulumi.ResourceError(problems.join("; "), this);
        }

        const subnets = args.subnetCidrs.map(
            (cidrBlock, index) =>
                new aws.ec2.Subnet(
                    `${name}-subnet-${index}`,
                    {
                        vpcId: args.vpcId,
                        cidrBlock,
                        availabilityZone: args.availabilityZones[index],
                        mapPublicIpOnLaunch: false,
                        tags: { Name: `${name}-subnet-${index}`, tier: "admin", role: "directory" },
                    },
                    { parent: this },
                ),
        );
        const subnetIds = subnets.map((subnet) => subnet.id);

        // No routes of its own: the VPC's local route and the customer's networks, nothing else.
        const routeTable = new aws.ec2.RouteTable(`${name}-routes`, { vpcId: args.vpcId, tags: { Name: `${name}-routes` } }, { parent: this });
        const associations = subnetIds.map(
            (subnetId, index) =>
                new aws.ec2.RouteTableAssociation(`${name}-routes-${index}`, { routeTableId: routeTable.id, subnetId }, { parent: this }),
        );
        const propagation = new aws.ec2.VpnGatewayRoutePropagation(
            `${name}-routes-propagation`,
            { vpnGatewayId: args.vpnGatewayId, routeTableId: routeTable.id },
            { parent: this },
        );

        const acl = new aws.ec2.NetworkAcl(`${name}-acl`, { vpcId: args.vpcId, subnetIds, tags: { Name: `${name}-acl` } }, { parent: this });
        const rules = directoryAclRules(args.dnsIps).map(
            (rule) =>
                new aws.ec2.NetworkAclRule(
                    `${name}-acl-${rule.key}`,
                    {
                        networkAclId: acl.id,
                        egress: rule.egress,
                        ruleNumber: rule.ruleNumber,
                        ruleAction: "allow",
                        protocol: rule.protocol,
                        cidrBlock: rule.cidrBlock,
                        fromPort: rule.fromPort,
                        toPort: rule.toPort,
                    },
                    { parent: this },
                ),
        );

        // AWS tests the connection to the customer's DNS servers while creating the connector: the
        // routes and the ACL must be in place first.
        const directory = new aws.directoryservice.Directory(
            `${name}-connector`,
            {
                type: "ADConnector",
                name: args.directoryName,
                password: pulumi.secret(args.password),
                size,
                description: connectorDescription(args.directoryName),
                connectSettings: {
                    customerDnsIps: [...args.dnsIps],
                    customerUsername: args.serviceAccount,
                    subnetIds,
                    vpcId: args.vpcId,
                },
                tags: { Name: `${name}-connector` },
            },
            { parent: this, dependsOn: [...associations, propagation, acl, ...rules] },
        );

        this.directoryId = directory.id;
        this.accessUrl = directory.accessUrl;
        this.dnsIpAddresses = directory.dnsIpAddresses;
        this.securityGroupId = directory.securityGroupId;
        this.subnetIds = pulumi.all(subnetIds);
        this.registerOutputs({
            directoryId: this.directoryId,
            accessUrl: this.accessUrl,
            dnsIpAddresses: this.dnsIpAddresses,
            securityGroupId: this.securityGroupId,
            subnetIds: this.subnetIds,
        });
    }
}
