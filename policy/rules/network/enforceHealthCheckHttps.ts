// A health check of a public host checks what users get: the login page over HTTPS on 443.

import { ResourceRule } from "../types";
import { HEALTH_CHECK_TYPE } from "./enforceFailoverRecordHealthCheck";

/** Route 53 health check types that request an endpoint (the others combine checks or read an alarm). */
const ENDPOINT_TYPES = ["HTTP", "HTTP_STR_MATCH", "HTTPS", "HTTPS_STR_MATCH", "TCP"];
const HTTPS_TYPES = ["HTTPS", "HTTPS_STR_MATCH"];

export const enforceHealthCheckHttps: ResourceRule = {
    kind: "resource",
    name: "route53-health-check-https",
    description:
        "Every Route 53 health check of an endpoint (types HTTP, HTTP_STR_MATCH, HTTPS, HTTPS_STR_MATCH, TCP) is of type HTTPS or HTTPS_STR_MATCH, on port 443 " +
        "where a port is given. Calculated and CloudWatch-alarm health checks request nothing: not applicable.",
    why:
        "Route 53's health checkers are on the internet: every endpoint they check is a public host, served only over HTTPS (HTTP answers a redirect). A check " +
        "over HTTP or TCP would call a dead application healthy as long as the load balancer redirects or accepts connections, and DNS would not fail over.",
    enforcement: "mandatory",
    resourceTypes: [HEALTH_CHECK_TYPE],
    validate(check) {
        const type = check.props.type;
        if (typeof type !== "string" || !ENDPOINT_TYPES.includes(type)) {
            return [];
        }
        if (!HTTPS_TYPES.includes(type)) {
            return [`type is ${type}; expected HTTPS (or HTTPS_STR_MATCH): the host is public and served over HTTPS only`];
        }
        const port = check.props.port;
        return port === undefined || port === null || port === 443 ? [] : [`port is ${JSON.stringify(port)}; expected 443, where the public host serves HTTPS`];
    },
};
