import * as pulumi from "@pulumi/pulumi";

import * as aws from "./aws";
import { reservedPrefixFreeName } from "../lib/naming";
import {
    flowLogAssumeRolePolicy,
    flowLogWritePolicy,
    EVIDENCE_LOG_RETENTION_DAYS,
    LOG_RETENTION_DAYS,
    networkAclRules,
    networkCidrProblem,
    REJECT_FILTER_PATTERN,
    subnetPlan,
    Tier,
    TIERS,
} from "../lib/network-plan";
import { componentType } from "./types";

export interface TenantNetworkArgs {
    /** The VPC's CIDR: a canonical private IPv4 network of /16 to /24, split by `subnetPlan`. Required. */
    readonly cidr: string;
    /** The region's availability zone names; the first two are used, subnet i of every tier in zone i. Required. */
    readonly availabilityZones: pulumi.Input<string[]>;
    /**
     * True: an internet gateway and a 0.0.0.0/0 route for the access tier only, for the
     * internet-facing load balancer. False (VPN modes): no internet gateway at all. Required.
     */
    readonly publicAccess: boolean;
    /**
     * The platform's operations Transit Gateway, which the admin tier attaches to and routes to.
     * Required, except in a region without the platform's gateway (a recovery environment in the
     * off-site region, stacks/recovery.ts): then undefined, no attachment and no route, and the
     * admin tier is reached through Systems Manager's interface endpoints only.
     */
    readonly transitGatewayId: pulumi.Input<string> | undefined;
    /** The operations network (up to 10 CIDRs): the admin tier's only destination. Required. */
    readonly operationsCidrs: pulumi.Input<string[]>;
    /**
     * What the admin tier routes to through the Transit Gateway (up to 10 CIDRs). Default: the
     * operations network. The platform's own network routes to the tenants' networks instead.
     */
    readonly adminRouteCidrs?: pulumi.Input<string[]>;
    /**
     * Transit Gateway route tables of the attachment: the one it is associated with (what it can
     * reach) and the one it propagates its CIDR into (who can reach it). Default: none, the
     * gateway's default route table. Tenants associate with the platform's "tenants" table (which
     * only knows the platform) and propagate into its "operations" table, so that no tenant can
     * route to another.
     */
    readonly transitGatewayRouteTables?: { readonly associateWith: pulumi.Input<string>; readonly propagateTo: pulumi.Input<string> };
    /**
     * Networks outside the private ranges whose traffic arrives through the site-to-site VPN (a
     * customer's public corporate networks): admitted by the network ACL like the private ranges,
     * one rule each. Default: none.
     */
    readonly trustedCidrs?: readonly string[];
    /**
     * Networks denied in and out by the network ACL of every subnet (up to 14, what AWS's 20 rules
     * per direction leave beside the ingress allow rules). Required; may be empty.
     */
    readonly suspiciousNetworks: pulumi.Input<string[]>;
    /** KMS key encrypting the flow-log group; its policy must admit CloudWatch Logs. Required. */
    readonly flowLogKeyArn: pulumi.Input<string>;
    /** SNS topic warned of attempts on blocked ports. Required. */
    readonly alarmTopicArn: pulumi.Input<string>;
    /**
     * Rejected packets in 5 minutes from which the blocked-ports alarm fires. Default: 1000; the
     * internet's background scanning of a public load balancer stays well below it, a port scan
     * or a misbehaving peer does not.
     */
    readonly blockedAttemptsThreshold?: number;
    /** Days the flow logs are kept, one of CloudWatch Logs' retention periods. Default: EVIDENCE_LOG_RETENTION_DAYS (365), a year of evidence. */
    readonly flowLogRetentionDays?: number;
    /**
     * AWS services reached through interface endpoints in the admin subnets (`com.amazonaws.<region>.<service>`).
     * Default: `ssm`, `ssmmessages`, `ec2messages` (servers are patched and administered through
     * Systems Manager without any internet route), `secretsmanager` (servers read their database
     * credentials at run time) and `monitoring` (CloudWatch metrics: AWS requires it, with S3, for a
     * canary inside a VPC). Every tier reaches them: their group admits HTTPS from the whole VPC.
     */
    readonly interfaceEndpoints?: readonly string[];
}

export const DEFAULT_INTERFACE_ENDPOINTS = ["ssm", "ssmmessages", "ec2messages", "secretsmanager", "monitoring"] as const;
/** Custom metrics of every tenant network; each network names its own metric. */
export const NETWORK_METRIC_NAMESPACE = "TenantPlatform/Network";

/** Problems with the args known at registration (values still unknown are skipped), each naming the field. */
export function tenantNetworkArgsProblems(args: TenantNetworkArgs): string[] {
    const problems: string[] = [];
    const cidrProblem = networkCidrProblem(args.cidr);
    if (cidrProblem) {
        problems.push(cidrProblem);
    }
    const threshold = args.blockedAttemptsThreshold;
    if (threshold !== undefined && (!Number.isInteger(threshold) || threshold < 1)) {
        problems.push(`blockedAttemptsThreshold: ${threshold} is not allowed; expected a whole number of packets, at least 1`);
    }
    const retention = args.flowLogRetentionDays;
    if (retention !== undefined && !LOG_RETENTION_DAYS.includes(retention)) {
        problems.push(`flowLogRetentionDays: ${retention} is not allowed; expected one of ${LOG_RETENTION_DAYS.join(", ")}`);
    }
    const services = args.interfaceEndpoints ?? [];
    services.forEach((service, i) => {
        if (!/^[a-z0-9]+([.-][a-z0-9]+)*$/.test(service)) {
            problems.push(`interfaceEndpoints[${i}]: "${service}" is not a service name; expected e.g. ssm or ecr.api`);
        } else if (services.indexOf(service) !== i) {
            problems.push(`interfaceEndpoints[${i}]: "${service}" is listed twice; list each service once`);
        }
    });
    const zones = args.availabilityZones;
    if (Array.isArray(zones) && zones.every((zone) => typeof zone === "string") && zones.length < 2) {
        problems.push(`availabilityZones: has ${zones.length} zone(s); expected at least 2, one per subnet of every tier`);
    }
    return problems;
}

/**
 * A tenant's VPC: three tiers (access, admin, data) of two subnets each across two availability
 * zones. Only the access tier may reach the internet (when `publicAccess`); the admin tier reaches
 * only the operations network through the Transit Gateway; the data tier stays local. Suspicious
 * networks are denied at every subnet; from the rest of the internet the network ACL admits only
 * HTTPS/HTTP (with `publicAccess`) and replies on the ephemeral ports (`networkAclRules`). Rejected
 * traffic is logged and alarmed on.
 */
export class TenantNetwork extends pulumi.ComponentResource {
    public readonly vpcId: pulumi.Output<string>;
    public readonly cidr: string;
    /** Two subnets per tier, index = availability zone. */
    public readonly subnetIds: { readonly access: pulumi.Output<string>[]; readonly admin: pulumi.Output<string>[]; readonly data: pulumi.Output<string>[] };
    /** The subnets' CIDRs by tier, index = availability zone: known at registration, for security-group rules. */
    public readonly subnetCidrs: { readonly access: readonly string[]; readonly admin: readonly string[]; readonly data: readonly string[] };
    public readonly routeTableIds: { readonly access: pulumi.Output<string>; readonly admin: pulumi.Output<string>; readonly data: pulumi.Output<string> };
    /** The two zones used, index = subnet index. */
    public readonly availabilityZones: pulumi.Output<string>[];
    /** The operations network as a prefix list: what admin security groups admit. */
    public readonly operationsPrefixListId: pulumi.Output<string>;
    /** AWS's prefix list of S3 in this region (the gateway endpoint's): where patches come from. */
    public readonly s3PrefixListId: pulumi.Output<string>;
    /** The pair of blocks reserved for vpn-sync's directory subnets, index = availability zone. */
    public readonly directoryCidrs: readonly string[];
    public readonly flowLogGroupName: pulumi.Output<string>;

    constructor(name: string, args: TenantNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("network", "TenantNetwork"), name, {}, opts);

        const problems = tenantNetworkArgsProblems(args);
        if (problems.length > 0) {
            throw new pulumi.ResourceError(`invalid TenantNetwork ${name}: ${problems.join("; ")}`, this);
        }
        const threshold = args.blockedAttemptsThreshold ?? 1000;
        const retentionInDays = args.flowLogRetentionDays ?? EVIDENCE_LOG_RETENTION_DAYS;
        const interfaceServices = args.interfaceEndpoints ?? DEFAULT_INTERFACE_ENDPOINTS;
        const plan = subnetPlan(args.cidr);
        const parent = { parent: this };
        const tags = (suffix: string) => ({ Name: `${name}-${suffix}` });
        const region = aws.getRegionOutput({}, parent).region;
        const accountId = aws.getCallerIdentityOutput({}, parent).accountId;

        const vpc = new aws.ec2.Vpc(`${name}-vpc`, { cidrBlock: args.cidr, enableDnsSupport: true, enableDnsHostnames: true, tags: tags("vpc") }, parent);
        // Adopting the default security group strips its rules: nothing can fall back on "allow
        // everything within the group" by forgetting to name a group.
        new aws.ec2.DefaultSecurityGroup(`${name}-default-sg`, { vpcId: vpc.id, tags: tags("default-sg") }, parent);

        const zones = pulumi.output(args.availabilityZones).apply((names) => {
            if (names.length < 2) {
                throw new Error(`TenantNetwork ${name}: availabilityZones has ${names.length} zone(s); expected at least 2`);
            }
            return names.slice(0, 2);
        });
        const zone = (i: number) => zones.apply((names) => names[i] as string);

        const subnets = {} as Record<Tier, aws.ec2.Subnet[]>;
        const routeTables = {} as Record<Tier, aws.ec2.RouteTable>;
        for (const tier of TIERS) {
            routeTables[tier] = new aws.ec2.RouteTable(`${name}-${tier}-rt`, { vpcId: vpc.id, tags: tags(`${tier}-rt`) }, parent);
            subnets[tier] = plan[tier].map((cidrBlock, i) => {
                const subnet = new aws.ec2.Subnet(
                    `${name}-${tier}-${i}`,
                    { vpcId: vpc.id, cidrBlock, availabilityZone: zone(i), mapPublicIpOnLaunch: false, tags: { ...tags(`${tier}-${i}`), tier } },
                    parent,
                );
                new aws.ec2.RouteTableAssociation(`${name}-${tier}-${i}-rt-association`, { subnetId: subnet.id, routeTableId: routeTables[tier].id }, parent);
                return subnet;
            });
        }
        const subnetIdsOf = (tier: Tier) => subnets[tier].map((subnet) => subnet.id);

        if (args.publicAccess) {
            const gateway = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: tags("igw") }, parent);
            new aws.ec2.Route(`${name}-access-internet-route`, { routeTableId: routeTables.access.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: gateway.id }, parent);
        }

        const operations = new aws.ec2.ManagedPrefixList(
            `${name}-operations-pl`,
            {
                name: `${name}-operations`,
                addressFamily: "IPv4",
                maxEntries: 10,
                entries: pulumi.output(args.operationsCidrs).apply((cidrs) => cidrs.map((cidr) => ({ cidr, description: "Operations network" }))),
                tags: tags("operations-pl"),
            },
            parent,
        );
        const transitGatewayId = args.transitGatewayId;
        if (transitGatewayId !== undefined) {
            const attachment = new aws.ec2transitgateway.VpcAttachment(
                `${name}-tgw-attachment`,
                { transitGatewayId, vpcId: vpc.id, subnetIds: subnetIdsOf("admin"), dnsSupport: "enable", tags: tags("tgw-attachment") },
                parent,
            );
            if (args.transitGatewayRouteTables) {
                new aws.ec2transitgateway.RouteTableAssociation(
                    `${name}-tgw-association`,
                    { transitGatewayAttachmentId: attachment.id, transitGatewayRouteTableId: args.transitGatewayRouteTables.associateWith },
                    parent,
                );
                new aws.ec2transitgateway.RouteTablePropagation(
                    `${name}-tgw-propagation`,
                    { transitGatewayAttachmentId: attachment.id, transitGatewayRouteTableId: args.transitGatewayRouteTables.propagateTo },
                    parent,
                );
            }
            const adminRoutes = args.adminRouteCidrs
                ? new aws.ec2.ManagedPrefixList(
                      `${name}-admin-routes-pl`,
                      {
                          name: `${name}-admin-routes`,
                          addressFamily: "IPv4",
                          maxEntries: 10,
                          entries: pulumi.output(args.adminRouteCidrs).apply((cidrs) => cidrs.map((cidr) => ({ cidr, description: "Reached from the admin tier" }))),
                          tags: tags("admin-routes-pl"),
                      },
                      parent,
                  )
                : operations;
            // The route is refused until the attachment exists.
            new aws.ec2.Route(
                `${name}-admin-operations-route`,
                { routeTableId: routeTables.admin.id, destinationPrefixListId: adminRoutes.id, transitGatewayId },
                { parent: this, dependsOn: [attachment] },
            );
        }

        // The list's length is known only at deployment (it comes from the platform stack), so the
        // rules are inline: separate NetworkAclRule resources would have to be created in an apply.
        const aclRules = pulumi.output(args.suspiciousNetworks).apply((networks) => networkAclRules(networks, args.publicAccess, args.trustedCidrs ?? []));
        new aws.ec2.NetworkAcl(
            `${name}-nacl`,
            { vpcId: vpc.id, subnetIds: TIERS.flatMap(subnetIdsOf), ingress: aclRules.ingress, egress: aclRules.egress, tags: tags("nacl") },
            parent,
        );

        const logGroup = new aws.cloudwatch.LogGroup(
            `${name}-flow-logs`,
            { name: `/vpc/flow-logs/${name}`, kmsKeyId: args.flowLogKeyArn, retentionInDays, tags: tags("flow-logs") },
            parent,
        );
        const role = new aws.iam.Role(
            `${name}-flow-logs-role`,
            {
                description: `Delivers the flow logs of ${name}`,
                assumeRolePolicy: pulumi.all([accountId, region]).apply(([account, regionName]) => flowLogAssumeRolePolicy(account, regionName)),
            },
            parent,
        );
        const rolePolicy = new aws.iam.RolePolicy(`${name}-flow-logs-role-policy`, { role: role.id, policy: logGroup.arn.apply(flowLogWritePolicy) }, parent);
        // ALL rather than REJECT: accepted flows are the evidence of who reached what after an incident.
        new aws.ec2.FlowLog(
            `${name}-flow-log`,
            {
                vpcId: vpc.id,
                trafficType: "ALL",
                logDestinationType: "cloud-watch-logs",
                logDestination: logGroup.arn,
                iamRoleArn: role.arn,
                maxAggregationInterval: 60,
                tags: tags("flow-log"),
            },
            { parent: this, dependsOn: [rolePolicy] },
        );
        const metricName = `${name}-rejected-packets`;
        new aws.cloudwatch.LogMetricFilter(
            `${name}-rejected-packets`,
            {
                name: metricName,
                logGroupName: logGroup.name,
                pattern: REJECT_FILTER_PATTERN,
                metricTransformation: { name: metricName, namespace: NETWORK_METRIC_NAMESPACE, value: "$packets", defaultValue: "0", unit: "Count" },
            },
            parent,
        );
        new aws.cloudwatch.MetricAlarm(
            `${name}-blocked-ports-alarm`,
            {
                alarmDescription: `Attempts on blocked ports in ${name}: at least ${threshold} rejected packets in 5 minutes`,
                namespace: NETWORK_METRIC_NAMESPACE,
                metricName,
                statistic: "Sum",
                period: 300,
                evaluationPeriods: 1,
                threshold,
                comparisonOperator: "GreaterThanOrEqualToThreshold",
                // No rejected traffic means no data points, which is the good case.
                treatMissingData: "notBreaching",
                alarmActions: [args.alarmTopicArn],
                okActions: [args.alarmTopicArn],
            },
            parent,
        );

        // Amazon Linux's patch repositories live in S3: every tier reaches them without the internet.
        const s3Endpoint = new aws.ec2.VpcEndpoint(
            `${name}-s3-endpoint`,
            {
                vpcId: vpc.id,
                serviceName: pulumi.interpolate`com.amazonaws.${region}.s3`,
                vpcEndpointType: "Gateway",
                routeTableIds: TIERS.map((tier) => routeTables[tier].id),
                tags: tags("s3-endpoint"),
            },
            parent,
        );
        const endpointGroup = new aws.ec2.SecurityGroup(
            `${name}-endpoints-sg`,
            { name: reservedPrefixFreeName("securityGroup", `${name}-endpoints-sg`), vpcId: vpc.id, description: `Interface endpoints of ${name}: HTTPS from the VPC only`, tags: tags("endpoints-sg") },
            parent,
        );
        new aws.vpc.SecurityGroupIngressRule(
            `${name}-endpoints-https-in`,
            { securityGroupId: endpointGroup.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: args.cidr, description: "HTTPS from the VPC" },
            parent,
        );
        for (const service of interfaceServices) {
            const suffix = `${service.replace(/\./g, "-")}-endpoint`;
            new aws.ec2.VpcEndpoint(
                `${name}-${suffix}`,
                {
                    vpcId: vpc.id,
                    serviceName: pulumi.interpolate`com.amazonaws.${region}.${service}`,
                    vpcEndpointType: "Interface",
                    privateDnsEnabled: true,
                    subnetIds: subnetIdsOf("admin"),
                    securityGroupIds: [endpointGroup.id],
                    tags: tags(suffix),
                },
                parent,
            );
        }

        this.vpcId = vpc.id;
        this.cidr = args.cidr;
        this.subnetIds = { access: subnetIdsOf("access"), admin: subnetIdsOf("admin"), data: subnetIdsOf("data") };
        this.subnetCidrs = { access: [...plan.access], admin: [...plan.admin], data: [...plan.data] };
        this.routeTableIds = { access: routeTables.access.id, admin: routeTables.admin.id, data: routeTables.data.id };
        this.availabilityZones = subnets.access.map((subnet) => subnet.availabilityZone);
        this.operationsPrefixListId = operations.id;
        this.s3PrefixListId = s3Endpoint.prefixListId;
        this.directoryCidrs = [...plan.directory];
        this.flowLogGroupName = logGroup.name;
        this.registerOutputs({
            vpcId: this.vpcId,
            cidr: this.cidr,
            subnetIds: this.subnetIds,
            subnetCidrs: this.subnetCidrs,
            routeTableIds: this.routeTableIds,
            s3PrefixListId: this.s3PrefixListId,
            availabilityZones: this.availabilityZones,
            operationsPrefixListId: this.operationsPrefixListId,
            directoryCidrs: this.directoryCidrs,
            flowLogGroupName: this.flowLogGroupName,
        });
    }
}
