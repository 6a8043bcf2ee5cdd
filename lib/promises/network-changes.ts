// The firewall and routing changes operations are told of as they happen (the security sheet's
// weekly "scan that detects firewall configuration changes", made continuous): the EC2 API calls
// that change a security group, a network ACL, a route table (the VPC's and the operations
// network's Transit Gateway tables) or a VPN, as CloudTrail delivers them to EventBridge. Shared by
// the component that creates the rules and the policy rule that checks them.
//
// Every name is an EC2 API operation of botocore's ec2 service model (python3-botocore 1.29.27,
// `botocore.session.get_session().get_service_model("ec2").operation_names`, checked 2026-12-06);
// ReplaceVpnTunnel is newer than that model and left out rather than typed from memory. Describe*
// calls are never delivered to EventBridge (read-only), so only changes are listed.
// Left out on purpose: ModifyNetworkInterfaceAttribute (which groups an interface is in), which AWS
// services may also call on the interfaces they manage for themselves, outside the deployment role:
// an alarm that fires for routine service work is an alarm nobody reads. The groups' own rules, what
// an attacker would change to open a port, are watched.

/** The changes watched, by what they change (one EventBridge rule each). */
export const NETWORK_CHANGE_EVENTS = {
    "security-groups": [
        "AuthorizeSecurityGroupIngress",
        "AuthorizeSecurityGroupEgress",
        "RevokeSecurityGroupIngress",
        "RevokeSecurityGroupEgress",
        "ModifySecurityGroupRules",
        "UpdateSecurityGroupRuleDescriptionsIngress",
        "UpdateSecurityGroupRuleDescriptionsEgress",
        "CreateSecurityGroup",
        "DeleteSecurityGroup",
    ],
    "network-acls": ["CreateNetworkAcl", "CreateNetworkAclEntry", "ReplaceNetworkAclEntry", "DeleteNetworkAclEntry", "ReplaceNetworkAclAssociation", "DeleteNetworkAcl"],
    "route-tables": [
        "CreateRoute",
        "ReplaceRoute",
        "DeleteRoute",
        "CreateRouteTable",
        "DeleteRouteTable",
        "AssociateRouteTable",
        "ReplaceRouteTableAssociation",
        "DisassociateRouteTable",
        "EnableVgwRoutePropagation",
        "DisableVgwRoutePropagation",
        "CreateTransitGatewayRoute",
        "ReplaceTransitGatewayRoute",
        "DeleteTransitGatewayRoute",
        "AssociateTransitGatewayRouteTable",
        "DisassociateTransitGatewayRouteTable",
        "EnableTransitGatewayRouteTablePropagation",
        "DisableTransitGatewayRouteTablePropagation",
    ],
    vpn: [
        "CreateVpnConnection",
        "ModifyVpnConnection",
        "ModifyVpnConnectionOptions",
        "ModifyVpnTunnelOptions",
        "ModifyVpnTunnelCertificate",
        "DeleteVpnConnection",
        "CreateVpnConnectionRoute",
        "DeleteVpnConnectionRoute",
        "CreateVpnGateway",
        "AttachVpnGateway",
        "DetachVpnGateway",
        "DeleteVpnGateway",
        "CreateCustomerGateway",
        "DeleteCustomerGateway",
        "ModifyClientVpnEndpoint",
        "AuthorizeClientVpnIngress",
        "RevokeClientVpnIngress",
        "CreateClientVpnRoute",
        "DeleteClientVpnRoute",
        "AssociateClientVpnTargetNetwork",
        "DisassociateClientVpnTargetNetwork",
        "ApplySecurityGroupsToClientVpnTargetNetwork",
    ],
} as const satisfies Record<string, readonly string[]>;

export type NetworkChangeKind = keyof typeof NETWORK_CHANGE_EVENTS;

export const NETWORK_CHANGE_KINDS = Object.keys(NETWORK_CHANGE_EVENTS) as NetworkChangeKind[];

/** The tag (key) each network-change rule carries, its value the kind of change it watches. */
export const NETWORK_CHANGE_TAG = "network-changes";

/** The deployment role's name when the platform file names none (the role `AWS_DEPLOY_ROLE_ARN` names in the workflow). */
export const DEFAULT_DEPLOY_ROLE_NAME = "itm-deploy";

/**
 * What the deployment role's sessions look like in CloudTrail's `userIdentity.arn`:
 * `arn:aws:sts::<account>:assumed-role/<role name>/<session>` (the role's path is not part of it).
 * The trailing "/" keeps `itm-deploy-2` from passing for `itm-deploy`.
 */
export function deployRoleSessionPrefix(accountId: string, roleName: string): string {
    return `arn:aws:sts::${accountId}:assumed-role/${roleName}/`;
}
