// Networking: load balancers and their public addresses, interface endpoints, transit gateway
// attachments, site-to-site and Client VPN, hosted zones.

import { hourly, line, list, monthly, Pricer, text, unknownLine } from "./pricer";

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
};
