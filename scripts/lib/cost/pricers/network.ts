// Networking: load balancers and their public addresses, interface endpoints, transit gateway
// attachments, site-to-site and Client VPN, hosted zones and their health checks.

import { count, hourly, line, list, monthly, Pricer, text, unknownLine } from "./pricer";

/** Route 53 health checks that request an endpoint: priced per check plus each optional feature. */
const ENDPOINT_HEALTH_CHECKS = ["HTTP", "HTTP_STR_MATCH", "HTTPS", "HTTPS_STR_MATCH", "TCP"];

export const NETWORK_PRICERS: Readonly<Record<string, Pricer>> = {
    "aws:lb/loadBalancer:LoadBalancer": (inputs, context) => {
        const type = text(inputs.loadBalancerType) ?? "application";
        if (type !== "application") {
            return [unknownLine(`${type} load balancer`, `${type} load balancers are not in the price table`)];
        }
        const lcu = context.assumptions.albLcuPerHour;
        const lines = [
            line(`application load balancer × ${context.hours} h + ${lcu} LCU (assumed)`, [
                [context.rate("elb.alb.hour"), context.hours],
                [context.rate("elb.alb.lcu.hour"), context.hours * lcu],
            ]),
        ];
        if (inputs.internal !== true) {
            const addresses = (list(inputs.subnets) ?? list(inputs.subnetMappings))?.length;
            lines.push(
                addresses === undefined
                    ? unknownLine("public IPv4 addresses", "the internet-facing load balancer's subnets are not known at plan time")
                    : hourly(context, `${addresses} public IPv4 addresses`, "vpc.publicIpv4.hour", undefined, addresses),
            );
        }
        return lines;
    },
    "aws:ec2/vpcEndpoint:VpcEndpoint": (inputs, context) => {
        const type = text(inputs.vpcEndpointType) ?? "Gateway";
        const service = text(inputs.serviceName) ?? "endpoint";
        if (type === "Gateway") {
            return []; // S3 and DynamoDB gateway endpoints are free
        }
        const zones = list(inputs.subnetIds)?.length;
        if (type !== "Interface") {
            return [unknownLine(`${type} endpoint ${service}`, `${type} endpoints are not in the price table`)];
        }
        return zones === undefined || zones === 0
            ? [unknownLine(`interface endpoint ${service}`, "its subnets are not known at plan time")]
            : [hourly(context, `interface endpoint ${service} in ${zones} AZs`, "vpc.interfaceEndpoint.azHour", undefined, zones)];
    },
    "aws:ec2transitgateway/vpcAttachment:VpcAttachment": (_inputs, context) => [hourly(context, "transit gateway attachment", "tgw.attachment.hour")],
    "aws:ec2/vpnConnection:VpnConnection": (_inputs, context) => [hourly(context, "site-to-site VPN connection", "vpn.connection.hour")],
    "aws:ec2clientvpn/networkAssociation:NetworkAssociation": (_inputs, context) => [hourly(context, "Client VPN subnet association", "clientVpn.association.hour")],
    "aws:ec2clientvpn/endpoint:Endpoint": (_inputs, context) => [monthly(context, "Client VPN connection-hours", "clientVpn.connection.hour")],
    "aws:route53/zone:Zone": (_inputs, context) => [monthly(context, "hosted zone", "route53.zone.month")],
    "aws:route53/healthCheck:HealthCheck": (inputs, context) => {
        const type = text(inputs.type) ?? "";
        // An internal door's check follows its availability alarm (a CloudWatch alarm of the same
        // account): the pricing page lists no rate of its own for it, so it is a basic health check
        // of an AWS endpoint, without options (Infracost prices every Route 53 health check so too).
        if (type === "CLOUDWATCH_METRIC") {
            return [line("health check of a CloudWatch alarm (an AWS endpoint)", [[context.rate("route53.healthCheck.month", "awsEndpoint"), 1]])];
        }
        if (!ENDPOINT_HEALTH_CHECKS.includes(type)) {
            return [unknownLine(`${type || "untyped"} health check`, `${type || "an untyped"} health check is not in the price table (endpoint health checks are)`)];
        }
        // The platform's health checks request its own load balancers: AWS endpoints of the same account.
        const endpoint = "awsEndpoint";
        const options = [
            ...(type.startsWith("HTTPS") ? ["HTTPS"] : []),
            ...(type.endsWith("_STR_MATCH") ? ["string matching"] : []),
            ...(count(inputs.requestInterval) === 10 ? ["fast interval"] : []),
            ...(inputs.measureLatency === true ? ["latency measurement"] : []),
        ];
        return [
            line(`health check of an AWS endpoint${options.length > 0 ? ` + ${options.join(", ")}` : ""}`, [
                [context.rate("route53.healthCheck.month", endpoint), 1],
                ...(options.length > 0 ? [[context.rate("route53.healthCheckOption.month", endpoint), options.length] as const] : []),
            ]),
        ];
    },
};

