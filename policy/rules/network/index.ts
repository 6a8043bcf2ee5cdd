// The network group: instances, exposure, firewalls and VPN tunnels.

import { Rule } from "../types";
import { enableFlowLogRejectionAlarm } from "./enableFlowLogRejectionAlarm";
import { enableClientVpnConnectionLogs } from "./enableClientVpnConnectionLogs";
import { enforceFlowLogAllTraffic } from "./enforceFlowLogAllTraffic";
import { enforceWebAclBlocking } from "./enforceWebAclBlocking";
import { disallowForeignHostNames } from "./disallowForeignHostNames";
import { disallowInstancePublicIp } from "./disallowInstancePublicIp";
import { disallowNetworkAclOpenWorldIngress } from "./disallowNetworkAclOpenWorldIngress";
import { disallowPublicDatabase } from "./disallowPublicDatabase";
import { disallowSecurityGroupOpenWorldIngress } from "./disallowSecurityGroupOpenWorldIngress";
import { disallowSubnetPublicIpOnLaunch } from "./disallowSubnetPublicIpOnLaunch";
import { disallowVpnConnectionPlaintextPresharedKey } from "./disallowVpnConnectionPlaintextPresharedKey";
import { disallowVpnOnlyInternetPath } from "./disallowVpnOnlyInternetPath";
import { enableLoadBalancerAccessLogs } from "./enableLoadBalancerAccessLogs";
import { enableWebAclLogging } from "./enableWebAclLogging";
import { enforceDedicatedHostTenancy } from "./enforceDedicatedHostTenancy";
import { enforceFailoverRecordHealthCheck } from "./enforceFailoverRecordHealthCheck";
import { enforceHealthCheckHttps } from "./enforceHealthCheckHttps";
import { enforceInstanceDualTierInterfaces } from "./enforceInstanceDualTierInterfaces";
import { enforceInstanceImdsv2 } from "./enforceInstanceImdsv2";
import { enforceNetworkAclSuspiciousDenies } from "./enforceNetworkAclSuspiciousDenies";
import { enforceLoadBalancerHttpRedirect } from "./enforceLoadBalancerHttpRedirect";
import { enforceLoadBalancerHttpsListener } from "./enforceLoadBalancerHttpsListener";
import { enforceSecurityGroupAdminPortSources } from "./enforceSecurityGroupAdminPortSources";
import { enforceVpnConnectionTunnelCrypto } from "./enforceVpnConnectionTunnelCrypto";
import { missingCanaryVpcEndpoints } from "./missingCanaryVpcEndpoints";
import { missingLoadBalancerWebAcl } from "./missingLoadBalancerWebAcl";
import { missingScriptServiceEndpoint } from "./missingScriptServiceEndpoint";

export const NETWORK_RULES: readonly Rule[] = [
    enforceInstanceDualTierInterfaces,
    disallowInstancePublicIp,
    disallowSubnetPublicIpOnLaunch,
    enforceInstanceImdsv2,
    disallowSecurityGroupOpenWorldIngress,
    enforceSecurityGroupAdminPortSources,
    disallowNetworkAclOpenWorldIngress,
    disallowVpnOnlyInternetPath,
    enforceVpnConnectionTunnelCrypto,
    disallowVpnConnectionPlaintextPresharedKey,
    enforceLoadBalancerHttpsListener,
    enforceLoadBalancerHttpRedirect,
    missingLoadBalancerWebAcl,
    enableLoadBalancerAccessLogs,
    enableWebAclLogging,
    disallowPublicDatabase,
    enforceDedicatedHostTenancy,
    missingScriptServiceEndpoint,
    missingCanaryVpcEndpoints,
    disallowForeignHostNames,
    enforceFailoverRecordHealthCheck,
    enforceHealthCheckHttps,
    enforceFlowLogAllTraffic,
    enforceWebAclBlocking,
    enableClientVpnConnectionLogs,
    enableFlowLogRejectionAlarm,
    enforceNetworkAclSuspiciousDenies,
];
