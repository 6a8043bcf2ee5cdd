// Which input changes make the provider replace a resource (delete and create it again, with a new
// id), per resource type the program registers, and what a replacement destroys.
//
// Where it comes from: pulumi-aws is the Terraform AWS provider bridged, and a Pulumi replacement is
// exactly the provider schema's `ForceNew: true` (SDK resources) or `RequiresReplace()` (framework
// resources), which the provider's documentation marks "Changing this forces a new resource" /
// "Forces new resource" (hashicorp/terraform-provider-aws, `internal/service/<service>/*.go` and
// `website/docs/r/<resource>.html.markdown`). The table is compiled by hand from those schemas, one
// row per type with its source file; rows whose schema was read line by line when the table was
// written say so in `checked` (the file's commit). Paths are the Pulumi input names as the plan shows
// them (`rootBlockDevice/kmsKeyId`), `*` matching any key or index; `*` alone: every input.
// A type missing here is never taken as updated in place: the diff reports it as a possible
// replacement and names this file (test/plan-replacements.test.ts fails for any type the example
// fleet registers without a row). ./force-new.ts reads the table.

/** A force-new input only for some changes (the schema's CustomizeDiff ForceNewIfChange). */
export interface ConditionalForceNew {
    readonly path: string;
    /** Whether the change from `before` to `after` (absent: undefined) replaces the resource. */
    readonly when: (before: unknown, after: unknown) => boolean;
}

export interface ReplacementRule {
    /** Input paths whose change replaces the resource (Pulumi names, `/`-separated, `*` any key or index). */
    readonly forceNew: readonly (string | ConditionalForceNew)[];
    /** Where the rule comes from. */
    readonly source: string;
    /** The schema file's commit read line by line when the row was written (absent: compiled from the docs page). */
    readonly checked?: string;
    /**
     * What a replacement destroys or breaks beyond this repository, for a reviewer; absent when a
     * replacement loses nothing (the program recreates the resource whole).
     */
    readonly atStake?: (name: string, inputs: Readonly<Record<string, unknown>>) => string;
    /** The resource holds data (a database, volume, bucket, key, vault, directory ...): a replacement loses it. */
    readonly holdsData?: true;
}

const TF = "hashicorp/terraform-provider-aws internal/service/";
const tf = (file: string): string => `${TF}${file} (ForceNew)`;
/** Terraform's random and tls providers (pulumi-random, pulumi-tls): every argument is RequiresReplace. */
const EVERY_INPUT = ["*"];

const flag = (inputs: Readonly<Record<string, unknown>>, key: string): unknown => inputs[key];

/** The force-new inputs of every resource type the program registers. */
export const REPLACEMENTS: Readonly<Record<string, ReplacementRule>> = {
    "aws:acm/certificate:Certificate": {
        forceNew: ["domainName", "subjectAlternativeNames", "validationMethod", "validationOptions", "keyAlgorithm", "certificateAuthorityArn"],
        source: tf("acm/certificate.go"),
        checked: "01661ea3cbe6b07ed725b03c587d24ceb464484a",
        atStake: (name) => `the certificate ${name} is issued anew: for a domain the customer owns, the customer must create its new validation record before it is issued`,
    },
    "aws:acm/certificateValidation:CertificateValidation": { forceNew: ["certificateArn", "validationRecordFqdns"], source: tf("acm/certificate_validation.go") },
    "aws:backup/plan:Plan": { forceNew: ["name"], source: tf("backup/plan.go") },
    "aws:backup/regionSettings:RegionSettings": { forceNew: [], source: tf("backup/region_settings.go") },
    "aws:backup/restoreTestingPlan:RestoreTestingPlan": { forceNew: ["name"], source: tf("backup/restore_testing_plan.go") },
    "aws:backup/restoreTestingSelection:RestoreTestingSelection": {
        forceNew: ["name", "protectedResourceType", "restoreTestingPlanName"],
        source: tf("backup/restore_testing_selection.go"),
    },
    "aws:backup/selection:Selection": {
        forceNew: ["name", "planId", "iamRoleArn", "resources", "notResources", "selectionTags", "conditions"],
        source: tf("backup/selection.go"),
    },
    "aws:backup/vault:Vault": {
        forceNew: ["name", "namePrefix", "kmsKeyArn"],
        source: tf("backup/vault.go"),
        checked: "050ac11163cab8cdae5936a7f40b0e528ff780df",
        holdsData: true,
        atStake: (name, inputs) =>
            `the backup vault ${name} and every recovery point in it (the tenant's backups) are destroyed and an empty vault is created` +
            (flag(inputs, "forceDestroy") === true ? "" : "; AWS refuses to delete a vault that holds recovery points (forceDestroy is off), so the update fails half-way") +
            "; a vault under a compliance lock cannot be deleted at all",
    },
    "aws:backup/vaultLockConfiguration:VaultLockConfiguration": { forceNew: ["backupVaultName", "changeableForDays"], source: tf("backup/vault_lock_configuration.go") },
    "aws:backup/vaultNotifications:VaultNotifications": { forceNew: ["backupVaultName", "snsTopicArn", "backupVaultEvents"], source: tf("backup/vault_notifications.go") },
    "aws:cloudtrail/trail:Trail": { forceNew: ["name"], source: tf("cloudtrail/trail.go") },
    "aws:cloudwatch/eventRule:EventRule": { forceNew: ["name", "namePrefix", "eventBusName"], source: tf("events/rule.go") },
    "aws:cloudwatch/eventTarget:EventTarget": { forceNew: ["rule", "targetId", "eventBusName"], source: tf("events/target.go") },
    "aws:cloudwatch/logGroup:LogGroup": {
        forceNew: ["name", "namePrefix", "logGroupClass"],
        source: tf("logs/group.go"),
        holdsData: true,
        atStake: (name) => `the log group ${name} and the log events it keeps are deleted`,
    },
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": { forceNew: ["name", "logGroupName"], source: tf("logs/metric_filter.go") },
    "aws:cloudwatch/logStream:LogStream": {
        forceNew: ["name", "logGroupName"],
        source: tf("logs/stream.go"),
        holdsData: true,
        atStake: (name) => `the log stream ${name} and its log events are deleted`,
    },
    "aws:cloudwatch/metricAlarm:MetricAlarm": { forceNew: ["name"], source: tf("cloudwatch/metric_alarm.go") },
    "aws:cloudwatch/queryDefinition:QueryDefinition": { forceNew: [], source: tf("logs/query_definition.go") },
    "aws:lambda/function:Function": { forceNew: ["name", "packageType"], source: tf("lambda/function.go") },
    // Every argument: the provider has no update of a permission (a statement of the function's policy).
    "aws:lambda/permission:Permission": {
        forceNew: ["action", "eventSourceToken", "function", "functionUrlAuthType", "principal", "principalOrgId", "qualifier", "sourceAccount", "sourceArn", "statementId", "statementIdPrefix"],
        source: tf("lambda/permission.go"),
    },
    "aws:directoryservice/directory:Directory": {
        forceNew: ["name", "password", "size", "type", "shortName", "alias", "description", "edition", "connectSettings", "vpcSettings"],
        source: tf("ds/directory.go"),
        holdsData: true,
        atStake: (name) =>
            `the directory ${name} is destroyed and recreated: its id and DNS addresses change, and everything joined to it or trusting it (servers, the identity sync) must be re-joined`,
    },
    "aws:ebs/volume:Volume": {
        forceNew: ["availabilityZone", "encrypted", "kmsKeyId", "multiAttachEnabled", "outpostArn", "snapshotId"],
        source: tf("ec2/ebs_volume.go"),
        checked: "0073593e7d6993ba482409f4dc35438daaa79bb3",
        holdsData: true,
        atStake: (name, inputs) =>
            `the volume ${name} and its data are destroyed and an empty volume is created` +
            (flag(inputs, "finalSnapshot") === true ? " (a final snapshot is taken first: restore from it or from the backup vault)" : "; restore from the backup vault"),
    },
    "aws:ec2/customerGateway:CustomerGateway": {
        forceNew: ["bgpAsn", "bgpAsnExtended", "ipAddress", "type", "certificateArn", "deviceName"],
        source: tf("ec2/vpnsite_customer_gateway.go"),
    },
    "aws:ec2/dedicatedHost:DedicatedHost": { forceNew: ["availabilityZone", "outpostArn", "assetId"], source: tf("ec2/ec2_host.go") },
    "aws:ec2/launchTemplate:LaunchTemplate": { forceNew: ["name", "namePrefix"], source: tf("ec2/ec2_launch_template.go") },
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": { forceNew: ["vpcId"], source: tf("ec2/vpc_default_security_group.go") },
    "aws:ec2/flowLog:FlowLog": {
        forceNew: ["iamRoleArn", "deliverCrossAccountRole", "logDestination", "logDestinationType", "logFormat", "maxAggregationInterval", "trafficType", "vpcId", "subnetId", "eniId", "transitGatewayId", "transitGatewayAttachmentId", "destinationOptions"],
        source: tf("ec2/vpc_flow_log.go"),
    },
    "aws:ec2/instance:Instance": {
        // userData replaces the server only with userDataReplaceOnChange (the schema's ForceNewIf),
        // which the program does not set; instanceType, metadataOptions, the profile and the
        // security group ids update in place (a stop and start for instanceType).
        forceNew: [
            "ami",
            "associatePublicIpAddress",
            "availabilityZone",
            "cpuCoreCount",
            "cpuThreadsPerCore",
            "cpuOptions",
            "ebsBlockDevices",
            "ebsOptimized",
            "enclaveOptions",
            "ephemeralBlockDevices",
            "hibernation",
            "hostId",
            "ipv6AddressCount",
            "ipv6Addresses",
            "keyName",
            "launchTemplate",
            "networkInterfaces",
            "placementGroup",
            "placementPartitionNumber",
            "privateDnsNameOptions",
            "privateIp",
            "rootBlockDevice/encrypted",
            "rootBlockDevice/kmsKeyId",
            "securityGroups",
            "subnetId",
            "tenancy",
        ],
        source: tf("ec2/ec2_instance.go"),
        checked: "0015dfcd06d5d78e5e1c3cabe8cea837d379d1c7",
        holdsData: true,
        atStake: (name, inputs) => {
            const root = inputs.rootBlockDevice as { deleteOnTermination?: unknown } | undefined;
            return root?.deleteOnTermination === false
                ? `the server ${name} is terminated and launched anew from its image (its root volume is kept, detached)`
                : `the server ${name} is terminated and launched anew from its image: its root volume and everything written to it are destroyed`;
        },
    },
    "aws:ec2/internetGateway:InternetGateway": { forceNew: [], source: tf("ec2/vpc_internet_gateway.go") },
    "aws:ec2/managedPrefixList:ManagedPrefixList": { forceNew: ["addressFamily"], source: tf("ec2/vpc_managed_prefix_list.go") },
    "aws:ec2/networkAcl:NetworkAcl": { forceNew: ["vpcId"], source: tf("ec2/vpc_network_acl.go") },
    "aws:ec2/networkAclRule:NetworkAclRule": { forceNew: EVERY_INPUT, source: tf("ec2/vpc_network_acl_rule.go") },
    "aws:ec2/networkInterface:NetworkInterface": {
        // A new primary private address is a replacement too (the schema's CustomizeDiff ForceNewIf).
        forceNew: ["subnetId", "interfaceType", "privateIps", "privateIpList"],
        source: tf("ec2/vpc_network_interface.go"),
        checked: "01c08000ddb14181b5bd19201d8fca311dc570e4",
    },
    "aws:ec2/networkInterfaceAttachment:NetworkInterfaceAttachment": {
        // Its delete detaches (DetachNetworkInterface): a replacement that creates first would
        // attach the interface to the new instance while the old one holds it, which EC2 refuses;
        // components/dual-nic-server.ts replaces it delete-before-create.
        forceNew: ["deviceIndex", "instanceId", "networkInterfaceId", "networkCardIndex"],
        source: tf("ec2/vpc_network_interface_attachment.go"),
        checked: "01f431114674c27cf790fafb67ac274bf8f765e1",
    },
    "aws:ec2/route:Route": {
        forceNew: ["routeTableId", "destinationCidrBlock", "destinationIpv6CidrBlock", "destinationPrefixListId"],
        source: tf("ec2/vpc_route.go"),
    },
    "aws:ec2/routeTable:RouteTable": { forceNew: ["vpcId"], source: tf("ec2/vpc_route_table.go") },
    "aws:ec2/routeTableAssociation:RouteTableAssociation": { forceNew: ["subnetId", "gatewayId"], source: tf("ec2/vpc_route_table_association.go") },
    "aws:ec2/securityGroup:SecurityGroup": { forceNew: ["name", "namePrefix", "description", "vpcId"], source: tf("ec2/vpc_security_group.go") },
    "aws:ec2/subnet:Subnet": {
        forceNew: ["availabilityZone", "availabilityZoneId", "cidrBlock", "ipv4IpamPoolId", "ipv4NetmaskLength", "ipv6IpamPoolId", "ipv6Native", "ipv6NetmaskLength", "outpostArn", "vpcId"],
        source: tf("ec2/vpc_subnet.go"),
        checked: "00cda125a19d31754cb0d073cf551264c57955cb",
    },
    "aws:ec2/volumeAttachment:VolumeAttachment": {
        // force_detach, skip_destroy and stop_instance_before_detaching update in place; its delete
        // stops the instance first when stop_instance_before_detaching is set, then DetachVolume.
        forceNew: ["deviceName", "instanceId", "volumeId"],
        source: tf("ec2/ebs_volume_attachment.go"),
        checked: "0620f2a6a126dfcbc4aecbc9a117b0fbea1656ff",
    },
    "aws:ec2/vpc:Vpc": {
        forceNew: ["cidrBlock", "ipv4IpamPoolId", "ipv4NetmaskLength"],
        source: tf("ec2/vpc_.go"),
        checked: "00081ce41cc691433ac19bf42227cdabffd0454d",
    },
    "aws:ec2/vpcEndpoint:VpcEndpoint": { forceNew: ["serviceName", "vpcEndpointType", "vpcId", "serviceRegion", "resourceConfigurationArn", "serviceNetworkArn"], source: tf("ec2/vpc_endpoint.go") },
    "aws:ec2/vpnConnection:VpnConnection": {
        forceNew: [
            "type",
            "staticRoutesOnly",
            "enableAcceleration",
            "tunnelInsideIpVersion",
            "tunnel1InsideCidr",
            "tunnel2InsideCidr",
            "tunnel1InsideIpv6Cidr",
            "tunnel2InsideIpv6Cidr",
        ],
        source: tf("ec2/vpnsite_connection.go"),
        checked: "050ac11163cab8cdae5936a7f40b0e528ff780df",
        atStake: (name) => `the VPN connection ${name} gets new tunnel addresses: the customer's VPN device must be configured again before the tunnels come up`,
    },
    "aws:ec2/vpnConnectionRoute:VpnConnectionRoute": { forceNew: ["destinationCidrBlock", "vpnConnectionId"], source: tf("ec2/vpnsite_connection_route.go") },
    "aws:ec2/vpnGateway:VpnGateway": { forceNew: ["amazonSideAsn", "availabilityZone"], source: tf("ec2/vpnsite_gateway.go") },
    "aws:ec2/vpnGatewayRoutePropagation:VpnGatewayRoutePropagation": { forceNew: ["routeTableId", "vpnGatewayId"], source: tf("ec2/vpnsite_gateway_route_propagation.go") },
    "aws:ec2clientvpn/authorizationRule:AuthorizationRule": { forceNew: EVERY_INPUT, source: tf("ec2/vpnclient_authorization_rule.go") },
    "aws:ec2clientvpn/endpoint:Endpoint": {
        forceNew: ["authenticationOptions", "clientCidrBlock", "transportProtocol"],
        source: tf("ec2/vpnclient_endpoint.go"),
        atStake: (name) => `the client VPN endpoint ${name} gets a new address: every operator must download a new VPN client configuration`,
    },
    "aws:ec2clientvpn/networkAssociation:NetworkAssociation": { forceNew: ["clientVpnEndpointId", "subnetId"], source: tf("ec2/vpnclient_network_association.go") },
    "aws:ec2clientvpn/route:Route": { forceNew: EVERY_INPUT, source: tf("ec2/vpnclient_route.go") },
    "aws:ec2transitgateway/routeTable:RouteTable": { forceNew: ["transitGatewayId"], source: tf("ec2/transitgateway_route_table.go") },
    "aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation": {
        forceNew: ["transitGatewayAttachmentId", "transitGatewayRouteTableId", "replaceExistingAssociation"],
        source: tf("ec2/transitgateway_route_table_association.go"),
    },
    "aws:ec2transitgateway/routeTablePropagation:RouteTablePropagation": {
        forceNew: ["transitGatewayAttachmentId", "transitGatewayRouteTableId"],
        source: tf("ec2/transitgateway_route_table_propagation.go"),
    },
    "aws:ec2transitgateway/transitGateway:TransitGateway": {
        forceNew: [
            "amazonSideAsn",
            "multicastSupport",
            // Only turning the default route table association or propagation on replaces it.
            { path: "defaultRouteTableAssociation", when: (before, after) => before === "disable" && after === "enable" },
            { path: "defaultRouteTablePropagation", when: (before, after) => before === "disable" && after === "enable" },
        ],
        source: tf("ec2/transitgateway_.go"),
        checked: "0095e263c2e15a80770dd8244c027faf3e1085a6",
        atStake: (name) => `the transit gateway ${name} is replaced: every tenant attachment and route through it is recreated, and the tenants lose their route to the operations network meanwhile`,
    },
    "aws:ec2transitgateway/vpcAttachment:VpcAttachment": { forceNew: ["transitGatewayId", "vpcId"], source: tf("ec2/transitgateway_vpc_attachment.go") },
    "aws:cfg/deliveryChannel:DeliveryChannel": { forceNew: ["name"], source: tf("configservice/delivery_channel.go") },
    "aws:cfg/recorder:Recorder": { forceNew: ["name"], source: tf("configservice/configuration_recorder.go") },
    "aws:cfg/recorderStatus:RecorderStatus": { forceNew: [], source: tf("configservice/configuration_recorder_status.go") },
    "aws:guardduty/detector:Detector": { forceNew: [], source: tf("guardduty/detector.go") },
    "aws:guardduty/detectorFeature:DetectorFeature": { forceNew: ["detectorId", "name"], source: tf("guardduty/detector_feature.go") },
    "aws:iam/instanceProfile:InstanceProfile": { forceNew: ["name", "namePrefix", "path"], source: tf("iam/instance_profile.go") },
    "aws:iam/role:Role": { forceNew: ["name", "namePrefix", "path"], source: tf("iam/role.go") },
    "aws:iam/rolePolicy:RolePolicy": { forceNew: ["name", "namePrefix", "role"], source: tf("iam/role_policy.go") },
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": { forceNew: ["policyArn", "role"], source: tf("iam/role_policy_attachment.go") },
    "aws:kms/alias:Alias": { forceNew: ["name", "namePrefix"], source: tf("kms/alias.go") },
    "aws:kms/key:Key": {
        forceNew: ["customerMasterKeySpec", "keySpec", "keyUsage", "multiRegion", "customKeyStoreId", "xksKeyId"],
        source: tf("kms/key.go"),
        checked: "00a35305dc1b297a6fcdecdfbba33f1e63c3da39",
        holdsData: true,
        atStake: (name, inputs) =>
            `the key ${name} is scheduled for deletion (after ${typeof inputs.deletionWindowInDays === "number" ? inputs.deletionWindowInDays : 30} days): ` +
            "every volume, database, snapshot and backup encrypted under it becomes unreadable once it is deleted; re-encrypt them under the new key (or cancel the deletion) first",
    },
    "aws:lb/listener:Listener": { forceNew: ["loadBalancerArn"], source: tf("elbv2/listener.go") },
    "aws:lb/listenerCertificate:ListenerCertificate": { forceNew: ["certificateArn", "listenerArn"], source: tf("elbv2/listener_certificate.go") },
    "aws:lb/listenerRule:ListenerRule": { forceNew: ["listenerArn"], source: tf("elbv2/listener_rule.go") },
    "aws:lb/loadBalancer:LoadBalancer": {
        forceNew: ["name", "namePrefix", "internal", "loadBalancerType", "customerOwnedIpv4Pool"],
        source: tf("elbv2/load_balancer.go"),
        atStake: (name) =>
            `the load balancer ${name} gets a new DNS name: a customer's record that points at the old one (CNAME: a VPN-only door's; public doors' customers point at the platform's edge name, which follows) stops working`,
    },
    "aws:lb/targetGroup:TargetGroup": {
        forceNew: ["name", "namePrefix", "port", "protocol", "protocolVersion", "targetType", "vpcId", "ipAddressType"],
        source: tf("elbv2/target_group.go"),
    },
    "aws:lb/targetGroupAttachment:TargetGroupAttachment": { forceNew: ["targetGroupArn", "targetId", "port", "availabilityZone"], source: tf("elbv2/target_group_attachment.go") },
    "aws:rds/instance:Instance": {
        // Not `identifier` / `identifierPrefix`: since provider v5.0.0 an RDS instance is renamed in
        // place (ModifyDBInstance NewDBInstanceIdentifier; its endpoint changes, it reboots):
        // hashicorp/terraform-provider-aws#31232, docs corrected in #32687. The schema read below
        // is older and still marks them ForceNew.
        forceNew: [
            "availabilityZone",
            "characterSetName",
            "customIamInstanceProfile",
            "dbName",
            "engine",
            "kmsKeyId",
            "ncharCharacterSetName",
            "restoreToPointInTime",
            "s3Import",
            "snapshotIdentifier",
            "storageEncrypted",
            "timezone",
            "username",
        ],
        source: tf("rds/instance.go"),
        checked: "00e4b23838859616dd0ebc9d1fd9364c0f6bff22",
        holdsData: true,
        atStake: (name, inputs) =>
            `the database ${name} and its data are destroyed and recreated empty` +
            (inputs.skipFinalSnapshot === true ? " with no final snapshot" : ` (a final snapshot${typeof inputs.finalSnapshotIdentifier === "string" ? ` ${inputs.finalSnapshotIdentifier}` : ""} is taken first)`) +
            "; restore it from that snapshot or the backup vault before users return" +
            (inputs.deletionProtection === true ? "; AWS refuses to delete it while deletionProtection is on, so the update fails half-way" : ""),
    },
    "aws:rds/parameterGroup:ParameterGroup": { forceNew: ["name", "namePrefix", "family", "description"], source: tf("rds/parameter_group.go") },
    "aws:rds/subnetGroup:SubnetGroup": { forceNew: ["name", "namePrefix"], source: tf("rds/subnet_group.go") },
    "aws:route53/healthCheck:HealthCheck": {
        forceNew: ["type", "requestInterval", "measureLatency", "referenceName", "routingControlArn"],
        source: tf("route53/health_check.go"),
        checked: "01606926a0c0ab9174aec440f976a48b0baee722",
    },
    "aws:route53/record:Record": { forceNew: ["zoneId", "name"], source: tf("route53/record.go") },
    "aws:route53/zone:Zone": {
        forceNew: ["name", "delegationSetId"],
        source: tf("route53/zone.go"),
        holdsData: true,
        atStake: (name) => `the hosted zone ${name} and its records are destroyed; the new zone has new name servers, so the domain's delegation must be changed at its parent`,
    },
    "aws:s3/bucket:Bucket": {
        forceNew: ["bucket", "bucketPrefix", "objectLockEnabled"],
        source: tf("s3/bucket.go"),
        holdsData: true,
        atStake: (name, inputs) =>
            `the bucket ${name} and every object in it are destroyed and an empty bucket is created` +
            (inputs.forceDestroy === true ? "" : "; the delete fails while the bucket holds objects (forceDestroy is off), so the update fails half-way"),
    },
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": { forceNew: ["bucket", "expectedBucketOwner"], source: tf("s3/bucket_lifecycle_configuration.go") },
    "aws:s3/bucketLogging:BucketLogging": { forceNew: ["bucket", "expectedBucketOwner"], source: tf("s3/bucket_logging.go") },
    "aws:s3/bucketObjectv2:BucketObjectv2": { forceNew: ["bucket", "key"], source: tf("s3/object.go") },
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": { forceNew: ["bucket"], source: tf("s3/bucket_ownership_controls.go") },
    "aws:s3/bucketPolicy:BucketPolicy": { forceNew: ["bucket"], source: tf("s3/bucket_policy.go") },
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": { forceNew: ["bucket"], source: tf("s3/bucket_public_access_block.go") },
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": {
        forceNew: ["bucket", "expectedBucketOwner"],
        source: tf("s3/bucket_server_side_encryption_configuration.go"),
    },
    "aws:s3/bucketVersioning:BucketVersioning": { forceNew: ["bucket", "expectedBucketOwner"], source: tf("s3/bucket_versioning.go") },
    "aws:secretsmanager/secret:Secret": {
        forceNew: ["name", "namePrefix"],
        source: tf("secretsmanager/secret.go"),
        holdsData: true,
        atStake: (name) => `the secret ${name} and its value are deleted (after its recovery window) and an empty secret is created`,
    },
    "aws:secretsmanager/secretPolicy:SecretPolicy": { forceNew: ["secretArn"], source: tf("secretsmanager/secret_policy.go") },
    "aws:secretsmanager/secretVersion:SecretVersion": { forceNew: ["secretId", "secretString", "secretBinary"], source: tf("secretsmanager/secret_version.go") },
    "aws:sns/topic:Topic": { forceNew: ["name", "namePrefix", "fifoTopic"], source: tf("sns/topic.go") },
    "aws:sns/topicPolicy:TopicPolicy": { forceNew: ["arn"], source: tf("sns/topic_policy.go") },
    "aws:sns/topicSubscription:TopicSubscription": { forceNew: ["endpoint", "protocol", "topic"], source: tf("sns/topic_subscription.go") },
    "aws:ssm/association:Association": { forceNew: ["instanceId"], source: tf("ssm/association.go") },
    "aws:ssm/document:Document": { forceNew: ["name", "documentType"], source: tf("ssm/document.go") },
    // No update at all: the name and the S3 destination replace it.
    "aws:ssm/resourceDataSync:ResourceDataSync": { forceNew: ["name", "s3Destination"], source: tf("ssm/resource_data_sync.go") },
    "aws:ssm/maintenanceWindow:MaintenanceWindow": { forceNew: [], source: tf("ssm/maintenance_window.go") },
    "aws:ssm/maintenanceWindowTarget:MaintenanceWindowTarget": { forceNew: ["windowId", "resourceType"], source: tf("ssm/maintenance_window_target.go") },
    "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask": { forceNew: ["windowId", "taskType"], source: tf("ssm/maintenance_window_task.go") },
    "aws:ssm/parameter:Parameter": { forceNew: ["name"], source: tf("ssm/parameter.go") },
    "aws:ssm/patchBaseline:PatchBaseline": { forceNew: ["operatingSystem"], source: tf("ssm/patch_baseline.go") },
    "aws:ssm/patchGroup:PatchGroup": { forceNew: ["baselineId", "patchGroup"], source: tf("ssm/patch_group.go") },
    "aws:synthetics/canary:Canary": { forceNew: ["name"], source: tf("synthetics/canary.go") },
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": { forceNew: ["securityGroupId"], source: `${TF}ec2/vpc_security_group_egress_rule.go (RequiresReplace)` },
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": { forceNew: ["securityGroupId"], source: `${TF}ec2/vpc_security_group_ingress_rule.go (RequiresReplace)` },
    "aws:wafv2/ipSet:IpSet": { forceNew: ["name", "namePrefix", "scope", "ipAddressVersion"], source: tf("wafv2/ip_set.go") },
    "aws:wafv2/webAcl:WebAcl": { forceNew: ["name", "namePrefix", "scope"], source: tf("wafv2/web_acl.go") },
    "aws:wafv2/webAclAssociation:WebAclAssociation": { forceNew: ["resourceArn", "webAclArn"], source: tf("wafv2/web_acl_association.go") },
    "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": { forceNew: ["resourceArn", "logDestinationConfigs"], source: tf("wafv2/web_acl_logging_configuration.go") },
    "pulumi:providers:aws": {
        // pulumi-aws's provider marks a change of region as a replacement of the provider (its
        // resources then live in another region); the other settings update in place.
        forceNew: ["region"],
        source: "pulumi/pulumi-aws provider configuration (region: replace)",
    },
    "pulumi:pulumi:StackReference": { forceNew: [], source: "a read of another stack's outputs: nothing in AWS to replace" },
    "random:index/randomPassword:RandomPassword": {
        forceNew: EVERY_INPUT,
        source: "hashicorp/terraform-provider-random internal/provider/resource_password.go (every argument RequiresReplace)",
        atStake: (name) => `a new value is generated for ${name}: whatever was set with the old one (a password in a database or directory) must be changed to match`,
    },
    "random:index/randomString:RandomString": {
        forceNew: EVERY_INPUT,
        source: "hashicorp/terraform-provider-random internal/provider/resource_string.go (every argument RequiresReplace)",
        atStake: (name) => `a new value is generated for ${name}: whatever was set with the old one must be changed to match`,
    },
    "tls:index/certRequest:CertRequest": { forceNew: EVERY_INPUT, source: "hashicorp/terraform-provider-tls internal/provider/resource_cert_request.go (every argument RequiresReplace)" },
    "tls:index/locallySignedCert:LocallySignedCert": {
        forceNew: EVERY_INPUT,
        source: "hashicorp/terraform-provider-tls internal/provider/resource_locally_signed_cert.go (every argument RequiresReplace)",
    },
    "tls:index/privateKey:PrivateKey": {
        forceNew: EVERY_INPUT,
        source: "hashicorp/terraform-provider-tls internal/provider/resource_private_key.go (every argument RequiresReplace)",
        atStake: (name) => `a new private key ${name} is generated: every certificate made with the old one is issued anew and must be distributed again`,
    },
    "tls:index/selfSignedCert:SelfSignedCert": {
        forceNew: EVERY_INPUT,
        source: "hashicorp/terraform-provider-tls internal/provider/resource_self_signed_cert.go (every argument RequiresReplace)",
        atStake: (name) => `the self-signed certificate ${name} is issued anew: everything that trusts the old one must be given the new one`,
    },
};
