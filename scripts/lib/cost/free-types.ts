// The resource types that cost nothing by themselves. A type neither priced (./pricers) nor listed
// here is reported as unknown by the estimate, never taken as free.

import { COMPONENT_NAMESPACE } from "../../../components/types";

/**
 * AWS resource types known to cost nothing by themselves, with why: the configuration, wiring and
 * permissions around the priced resources, and resources whose charges are billed elsewhere.
 */
export const FREE_TYPES: Readonly<Record<string, string>> = {
    "aws:acm/certificateValidation:CertificateValidation": "a wait for validation, no resource",
    "aws:backup/plan:Plan": "backup storage is billed on the vault (usage-based)",
    "aws:backup/selection:Selection": "backup storage is billed on the vault (usage-based)",
    "aws:backup/regionSettings:RegionSettings": "account settings",
    "aws:backup/restoreTestingPlan:RestoreTestingPlan": "a schedule; each test restore is billed as a restore of the tested vault's data (usage-based)",
    "aws:backup/restoreTestingSelection:RestoreTestingSelection": "part of its restore testing plan; each test restore is billed as a restore (usage-based)",
    "aws:backup/vaultLockConfiguration:VaultLockConfiguration": "a setting of the vault",
    "aws:backup/vaultNotifications:VaultNotifications": "a setting of the vault",
    "aws:cloudwatch/eventRule:EventRule": "rules on AWS service events of the default bus are free",
    "aws:cloudwatch/eventTarget:EventTarget": "part of its rule",
    "aws:cloudwatch/logStream:LogStream": "ingestion is billed on the log group (usage-based)",
    "aws:ec2/customerGateway:CustomerGateway": "a description of the customer's device; the VPN connection is billed",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "security groups are free",
    "aws:ec2/flowLog:FlowLog": "its records are billed as the destination log group's ingestion (usage-based)",
    "aws:ec2/internetGateway:InternetGateway": "no hourly fee; public IPv4 addresses are billed where they are held",
    "aws:ec2/launchTemplate:LaunchTemplate": "a configuration; the instances launched from it are billed",
    "aws:ec2/managedPrefixList:ManagedPrefixList": "free",
    "aws:ec2/networkAcl:NetworkAcl": "free",
    "aws:ec2/networkAclRule:NetworkAclRule": "free",
    "aws:ec2/networkInterface:NetworkInterface": "free without a public IPv4 address",
    "aws:ec2/networkInterfaceAttachment:NetworkInterfaceAttachment": "free",
    "aws:ec2/route:Route": "free",
    "aws:ec2/routeTable:RouteTable": "free",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "free",
    "aws:ec2/securityGroup:SecurityGroup": "free",
    "aws:ec2/subnet:Subnet": "free",
    "aws:ec2/volumeAttachment:VolumeAttachment": "the volume is billed",
    "aws:ec2/vpc:Vpc": "free",
    "aws:ec2/vpnConnectionRoute:VpnConnectionRoute": "part of the VPN connection",
    "aws:ec2/vpnGateway:VpnGateway": "no hourly fee; the VPN connection is billed",
    "aws:ec2/vpnGatewayRoutePropagation:VpnGatewayRoutePropagation": "free",
    "aws:ec2clientvpn/authorizationRule:AuthorizationRule": "part of the Client VPN endpoint",
    "aws:ec2clientvpn/route:Route": "part of the Client VPN endpoint",
    "aws:ec2transitgateway/routeTable:RouteTable": "free",
    "aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation": "free",
    "aws:ec2transitgateway/routeTablePropagation:RouteTablePropagation": "free",
    "aws:ec2transitgateway/transitGateway:TransitGateway": "no hourly fee; its attachments are billed",
    "aws:guardduty/detectorFeature:DetectorFeature": "billed within the detector's analysis (usage-based)",
    "aws:iam/instanceProfile:InstanceProfile": "IAM is free",
    "aws:iam/role:Role": "IAM is free",
    "aws:iam/rolePolicy:RolePolicy": "IAM is free",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "IAM is free",
    "aws:kms/alias:Alias": "the key is billed",
    "aws:lb/listener:Listener": "part of the load balancer",
    "aws:lb/listenerCertificate:ListenerCertificate": "part of the load balancer",
    "aws:lb/listenerRule:ListenerRule": "rule evaluations are part of the load balancer's LCUs",
    "aws:lb/targetGroup:TargetGroup": "part of the load balancer",
    "aws:lb/targetGroupAttachment:TargetGroupAttachment": "part of the load balancer",
    "aws:rds/parameterGroup:ParameterGroup": "free",
    "aws:rds/subnetGroup:SubnetGroup": "free",
    "aws:route53/record:Record": "records are free; alias queries to AWS resources are free, other queries usage-based",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": "a setting of the bucket",
    "aws:s3/bucketLogging:BucketLogging": "free; the log files are storage of the target bucket (usage-based)",
    "aws:s3/bucketObjectv2:BucketObjectv2": "stored in its bucket (usage-based there)",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": "a setting of the bucket",
    "aws:s3/bucketPolicy:BucketPolicy": "a setting of the bucket",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": "a setting of the bucket",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": "a setting of the bucket",
    "aws:s3/bucketVersioning:BucketVersioning": "a setting of the bucket (old versions are storage, usage-based)",
    "aws:secretsmanager/secretPolicy:SecretPolicy": "a setting of the secret",
    "aws:secretsmanager/secretVersion:SecretVersion": "the secret is billed",
    "aws:sns/topic:Topic": "no fee per topic; alarm notifications stay within the free tier",
    "aws:sns/topicPolicy:TopicPolicy": "a setting of the topic",
    "aws:sns/topicSubscription:TopicSubscription": "no fee per subscription; email notifications of alarms stay within SNS's free 1,000 a month",
    "aws:ssm/association:Association": "State Manager is free on EC2",
    "aws:ssm/document:Document": "free",
    "aws:ssm/maintenanceWindow:MaintenanceWindow": "free",
    "aws:ssm/maintenanceWindowTarget:MaintenanceWindowTarget": "free",
    "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask": "free",
    "aws:ssm/patchBaseline:PatchBaseline": "Patch Manager is free on EC2",
    "aws:ssm/patchGroup:PatchGroup": "free",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "free",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "free",
    "aws:wafv2/ipSet:IpSet": "free; the rule that references it is billed",
    "aws:wafv2/webAclAssociation:WebAclAssociation": "the web ACL is billed",
    "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": "its logs are billed as the destination log group's ingestion (usage-based)",
};

/** Types that are no cloud resource at all: providers, stack references, local random/TLS values, components. */
const NOT_CLOUD_RESOURCES = [/^pulumi:providers:/, /^pulumi:pulumi:StackReference$/, /^random:index\//, /^tls:index\//, new RegExp(`^${COMPONENT_NAMESPACE}:`)];

export function isFreeType(type: string): boolean {
    return FREE_TYPES[type] !== undefined || NOT_CLOUD_RESOURCES.some((pattern) => pattern.test(type));
}
