// The component tests' names for the type tokens of test/resource-types.ts (defined there, once).

import { T } from "../resource-types";

export const ACL_RULE = T.networkAclRule;
export const ASSOCIATION = T.ssmAssociation;
export const CERTIFICATE = T.certificate;
export const CGW = T.customerGateway;
export const CONNECTION = T.vpnConnection;
export const DIRECTORY = T.directory;
export const EGRESS = T.egress;
export const ENI = T.eni;
export const ENI_ATTACHMENT = T.eniAttachment;
export const HOST = T.dedicatedHost;
export const INGRESS = T.ingress;
export const INSTANCE = T.instance;
export const LISTENER = T.listener;
export const LISTENER_CERTIFICATE = T.listenerCertificate;
export const PROPAGATION = T.vpnGatewayRoutePropagation;
export const RANDOM_PASSWORD = T.randomPassword;
export const RANDOM_STRING = T.randomString;
export const RECORD = T.record;
export const ROUTE = T.vpnRoute;
export const RULE = T.listenerRule;
export const SECRET = T.secret;
export const SECRET_VERSION = T.secretVersion;
export const SUBNET = T.subnet;
export const TARGET_ATTACHMENT = T.targetGroupAttachment;
export const TARGET_GROUP = T.targetGroup;
export const VALIDATION = T.certificateValidation;
export const VGW = T.vpnGateway;
export const VOLUME = T.volume;
export const VOLUME_ATTACHMENT = T.volumeAttachment;
