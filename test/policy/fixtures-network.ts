// Compliant baselines for the network rules: one internet-facing dedicated stack (cloud) and one
// VPN-only stack (vpn), shaped like what the program registers (see the offline plan). Each test
// changes one field of a baseline with `withProps` and asserts the exact finding.

import { accessLogBucketPolicy } from "../../components/access-log-bucket";
import { networkAclRules } from "../../lib/network-plan";
import { PolicyResource, PolicySettings, PolicyStack, StackKind } from "../../policy/rules/types";

export const OPERATIONS_CIDRS = ["10.15.64.0/19", "10.15.96.0/19"];
export const SETTINGS: PolicySettings = { operationsCidrs: OPERATIONS_CIDRS, otherTenants: [] };
export const SUSPICIOUS = ["45.155.205.0/24", "185.156.73.0/24"];

const ACCOUNT = "123456789012";
const REGION = "eu-west-1";
export const LB_ARN = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:loadbalancer/app/acme-front-door-alb-0b3fdc3/0b3fdc3a053dd74b`;
const listenerArn = (suffix: string) => `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:listener/app/acme-front-door-alb-0b3fdc3/0b3fdc3a053dd74b/${suffix}`;
export const HTTP_LISTENER_ARN = listenerArn("15a84452efabce75");
export const HTTPS_LISTENER_ARN = listenerArn("b224eb1215ff2670");

export const ID = {
    access0: "subnet-0a0000000000000a0",
    access1: "subnet-0a0000000000000a1",
    admin0: "subnet-0b0000000000000b0",
    admin1: "subnet-0b0000000000000b1",
    data0: "subnet-0d0000000000000d0",
    appInstance: "i-0aa00000000000001",
    appEni: "eni-0aa00000000000001",
    dbInstance: "i-0db00000000000001",
    dbEni: "eni-0db00000000000001",
    lbGroup: "sg-0100000000000000a",
    accessGroup: "sg-0200000000000000a",
    adminGroup: "sg-0300000000000000a",
    dbGroup: "sg-0400000000000000a",
    operationsList: "pl-0500000000000000a",
    igw: "igw-0600000000000000a",
    tgw: "tgw-0700000000000000a",
    accessTable: "rtb-0800000000000000a",
    adminTable: "rtb-0900000000000000a",
    vgw: "vgw-0a00000000000000a",
} as const;

function resource(type: string, name: string, id: string, props: Record<string, unknown>, parent: string | null = null): PolicyResource {
    return { type, name, id, parent, props, protect: false, retainOnDelete: false };
}

const subnet = (name: string, id: string, tier: string, zone: string) =>
    resource("aws:ec2/subnet:Subnet", name, id, { vpcId: "vpc-0c00000000000000a", availabilityZone: zone, mapPublicIpOnLaunch: false, tags: { Name: name, tier } }, "acme-network");

/** A DualNicServer's instance, its admin interface and the attachment, as the component registers them. */
function server(prefix: string, ids: { instance: string; eni: string }, serviceSubnet: string, group: string, tags: Record<string, string>): PolicyResource[] {
    return [
        resource(
            "aws:ec2/instance:Instance",
            `${prefix}-instance`,
            ids.instance,
            {
                ami: "ami-0123456789abcdef0",
                instanceType: "m7i.large",
                availabilityZone: `${REGION}a`,
                subnetId: serviceSubnet,
                vpcSecurityGroupIds: [group],
                associatePublicIpAddress: false,
                metadataOptions: { httpTokens: "required", httpEndpoint: "enabled", httpPutResponseHopLimit: 1 },
                tags: { Name: prefix, ...tags },
            },
            prefix,
        ),
        resource("aws:ec2/networkInterface:NetworkInterface", `${prefix}-admin-eni`, ids.eni, { subnetId: ID.admin0, securityGroups: [ID.adminGroup] }, prefix),
        resource(
            "aws:ec2/networkInterfaceAttachment:NetworkInterfaceAttachment",
            `${prefix}-admin-eni-attachment`,
            `eni-attach-${ids.eni.slice(4)}`,
            { instanceId: ids.instance, networkInterfaceId: ids.eni, deviceIndex: 1 },
            prefix,
        ),
    ];
}

let ruleCount = 0;
const ingressRule = (name: string, groupId: string, props: Record<string, unknown>) =>
    resource("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", name, `sgr-${(++ruleCount).toString(16).padStart(17, "0")}`, { securityGroupId: groupId, description: name, ...props });

/** Both tunnels as SiteToSiteVpn configures them: IKEv2, AES-256, SHA-2, DH 14-21, secret keys. */
export function vpnConnection(): PolicyResource {
    const tunnel = (n: 1 | 2) => ({
        [`tunnel${n}IkeVersions`]: ["ikev2"],
        [`tunnel${n}Phase1EncryptionAlgorithms`]: ["AES256", "AES256-GCM-16"],
        [`tunnel${n}Phase1IntegrityAlgorithms`]: ["SHA2-256", "SHA2-384", "SHA2-512"],
        [`tunnel${n}Phase1DhGroupNumbers`]: [14, 15, 16, 17, 18, 19, 20, 21],
        [`tunnel${n}Phase2EncryptionAlgorithms`]: ["AES256", "AES256-GCM-16"],
        [`tunnel${n}Phase2IntegrityAlgorithms`]: ["SHA2-256", "SHA2-384", "SHA2-512"],
        [`tunnel${n}Phase2DhGroupNumbers`]: [14, 15, 16, 17, 18, 19, 20, 21],
        [`tunnel${n}PresharedKey`]: "[secret]",
    });
    return resource("aws:ec2/vpnConnection:VpnConnection", "acme-vpn-connection", "vpn-0b00000000000000a", {
        customerGatewayId: "cgw-0c00000000000000a",
        vpnGatewayId: ID.vgw,
        type: "ipsec.1",
        staticRoutesOnly: true,
        ...tunnel(1),
        ...tunnel(2),
    });
}

/** What every dedicated stack has: subnets, two servers (an app server and the database server), their groups, the ACL. */
function common(publicAccess: boolean): PolicyResource[] {
    const acl = networkAclRules(SUSPICIOUS, publicAccess);
    return [
        subnet("acme-network-access-0", ID.access0, "access", `${REGION}a`),
        subnet("acme-network-access-1", ID.access1, "access", `${REGION}b`),
        subnet("acme-network-admin-0", ID.admin0, "admin", `${REGION}a`),
        subnet("acme-network-admin-1", ID.admin1, "admin", `${REGION}b`),
        subnet("acme-network-data-0", ID.data0, "data", `${REGION}a`),
        ...server("acme-servers-0", { instance: ID.appInstance, eni: ID.appEni }, ID.access0, ID.accessGroup, { PatchGroup: "acme" }),
        ...server("acme-database-server", { instance: ID.dbInstance, eni: ID.dbEni }, ID.data0, ID.dbGroup, { PatchGroup: "acme", role: "database" }),
        resource("aws:ec2/managedPrefixList:ManagedPrefixList", "acme-network-operations-pl", ID.operationsList, {
            name: "acme-network-operations",
            addressFamily: "IPv4",
            maxEntries: 10,
            entries: OPERATIONS_CIDRS.map((cidr) => ({ cidr, description: "Operations network" })),
        }),
        resource("aws:ec2/securityGroup:SecurityGroup", "acme-front-door-sg", ID.lbGroup, { vpcId: "vpc-0c00000000000000a", description: "Front door" }),
        resource("aws:ec2/securityGroup:SecurityGroup", "acme-servers-access-sg", ID.accessGroup, { vpcId: "vpc-0c00000000000000a", description: "Servers, access" }),
        resource("aws:ec2/securityGroup:SecurityGroup", "acme-servers-admin-sg", ID.adminGroup, { vpcId: "vpc-0c00000000000000a", description: "Servers, admin" }),
        resource("aws:ec2/securityGroup:SecurityGroup", "acme-database-sg", ID.dbGroup, { vpcId: "vpc-0c00000000000000a", description: "Database" }),
        ingressRule("acme-servers-access-from-lb", ID.accessGroup, { ipProtocol: "tcp", fromPort: 443, toPort: 443, referencedSecurityGroupId: ID.lbGroup }),
        ingressRule("acme-servers-admin-from-operations-22", ID.adminGroup, { ipProtocol: "tcp", fromPort: 22, toPort: 22, prefixListId: ID.operationsList }),
        ingressRule("acme-database-sg-from-client-0", ID.dbGroup, { ipProtocol: "tcp", fromPort: 5432, toPort: 5432, referencedSecurityGroupId: ID.accessGroup }),
        resource("aws:ec2/networkAcl:NetworkAcl", "acme-network-nacl", "acl-0d00000000000000a", {
            vpcId: "vpc-0c00000000000000a",
            subnetIds: [ID.access0, ID.access1, ID.admin0, ID.admin1, ID.data0],
            ingress: acl.ingress,
            egress: acl.egress,
        }),
        resource("aws:ec2/route:Route", "acme-network-admin-operations-route", "r-rtb-0900000000000000a", {
            routeTableId: ID.adminTable,
            destinationPrefixListId: ID.operationsList,
            transitGatewayId: ID.tgw,
        }),
        resource("aws:lb/listener:Listener", "acme-front-door-https", HTTPS_LISTENER_ARN, {
            loadBalancerArn: LB_ARN,
            port: 443,
            protocol: "HTTPS",
            sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
            certificateArn: `arn:aws:acm:${REGION}:${ACCOUNT}:certificate/82bac639-e33b-4b5c-abdb-4a3b93586305`,
            defaultActions: [{ type: "forward", targetGroupArn: `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:targetgroup/acme-front-door-tg-3954dd3/3954dd352beea016` }],
        }),
    ];
}

function stack(name: string, kind: StackKind, resources: PolicyResource[]): PolicyStack {
    return { stack: name, kind, resources };
}

/** A `cloud` stack: internet-facing load balancer with HTTP redirect, HTTPS and WAF, internet gateway on the access tier. */
export function internetStack(): PolicyStack {
    return stack("acme", "cloud", [
        ...common(true),
        ingressRule("acme-front-door-sg-http-in", ID.lbGroup, { ipProtocol: "tcp", fromPort: 80, toPort: 80, cidrIpv4: "0.0.0.0/0" }),
        ingressRule("acme-front-door-sg-https-in", ID.lbGroup, { ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0" }),
        resource("aws:ec2/internetGateway:InternetGateway", "acme-network-igw", ID.igw, { vpcId: "vpc-0c00000000000000a" }),
        resource("aws:ec2/route:Route", "acme-network-access-internet-route", "r-rtb-0800000000000000a", { routeTableId: ID.accessTable, destinationCidrBlock: "0.0.0.0/0", gatewayId: ID.igw }),
        resource("aws:lb/loadBalancer:LoadBalancer", "acme-front-door-alb", LB_ARN, {
            internal: false,
            loadBalancerType: "application",
            securityGroups: [ID.lbGroup],
            subnets: [ID.access0, ID.access1],
            dropInvalidHeaderFields: true,
            accessLogs: { enabled: true, bucket: ACCESS_LOG_BUCKET, prefix: "load-balancers/acme-front-door" },
        }),
        ...accessLogBucket(),
        resource("aws:lb/listener:Listener", "acme-front-door-http", HTTP_LISTENER_ARN, {
            loadBalancerArn: LB_ARN,
            port: 80,
            protocol: "HTTP",
            defaultActions: [{ type: "redirect", redirect: { port: "443", protocol: "HTTPS", statusCode: "HTTP_301" } }],
        }),
        resource("aws:wafv2/webAclAssociation:WebAclAssociation", "acme-front-door-waf-association", "web-acl-association-0e00000000000000a", {
            resourceArn: LB_ARN,
            webAclArn: `arn:aws:wafv2:${REGION}:${ACCOUNT}:regional/webacl/acme-front-door-waf/51f4e1af-ffd2-423b-a4a3-567b67df0c6b`,
        }),
    ]);
}

/** The stack's request-log bucket, as AccessLogBucket plans it (SSE-S3, a policy ELB may write under). */
export const ACCESS_LOG_BUCKET = "acme-access-logs-bucket-5b7e0c1";
function accessLogBucket(): PolicyResource[] {
    return [
        resource("aws:s3/bucket:Bucket", "acme-access-logs-bucket", ACCESS_LOG_BUCKET, { forceDestroy: false, tags: { role: "access-logs" } }),
        resource("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "acme-access-logs-encryption", "bucket-server-side-encryption-configuration-5b7e0c1", {
            bucket: ACCESS_LOG_BUCKET,
            rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
        }),
        resource("aws:s3/bucketPolicy:BucketPolicy", "acme-access-logs-policy", "bucket-policy-5b7e0c1", {
            bucket: ACCESS_LOG_BUCKET,
            policy: accessLogBucketPolicy({ bucketArn: `arn:aws:s3:::${ACCESS_LOG_BUCKET}`, accountId: ACCOUNT, region: REGION }),
        }),
    ];
}

/** A `vpn` stack: internal load balancer reached from the corporate network, no internet gateway, the site-to-site VPN. */
export function vpnStack(): PolicyStack {
    return stack("initech", "vpn", [
        ...common(false),
        ingressRule("acme-front-door-sg-https-from-192-168-0-0-16", ID.lbGroup, { ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "192.168.0.0/16" }),
        resource("aws:lb/loadBalancer:LoadBalancer", "acme-front-door-alb", LB_ARN, {
            internal: true,
            loadBalancerType: "application",
            securityGroups: [ID.lbGroup],
            subnets: [ID.access0, ID.access1],
            dropInvalidHeaderFields: true,
            accessLogs: { enabled: true, bucket: ACCESS_LOG_BUCKET, prefix: "load-balancers/acme-front-door" },
        }),
        ...accessLogBucket(),
        vpnConnection(),
    ]);
}

/** The stack with `patch` merged into the props of resource `name` (a value of undefined removes the key). */
export function withProps(base: PolicyStack, name: string, patch: Record<string, unknown>): PolicyStack {
    if (!base.resources.some((candidate) => candidate.name === name)) {
        throw new Error(`fixture has no resource ${name}`);
    }
    return {
        ...base,
        resources: base.resources.map((candidate) => {
            if (candidate.name !== name) {
                return candidate;
            }
            const props: Record<string, unknown> = { ...candidate.props, ...patch };
            Object.keys(patch).forEach((key) => patch[key] === undefined && delete props[key]);
            return { ...candidate, props };
        }),
    };
}

export function withKind(base: PolicyStack, kind: StackKind | undefined): PolicyStack {
    return { ...base, kind };
}

export function without(base: PolicyStack, name: string): PolicyStack {
    if (!base.resources.some((candidate) => candidate.name === name)) {
        throw new Error(`fixture has no resource ${name}`);
    }
    return { ...base, resources: base.resources.filter((candidate) => candidate.name !== name) };
}

export function withResource(base: PolicyStack, type: string, name: string, id: string, props: Record<string, unknown>): PolicyStack {
    return { ...base, resources: [...base.resources, resource(type, name, id, props)] };
}
