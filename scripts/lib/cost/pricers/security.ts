// Security, identity and compliance: directories, keys, secrets, web ACLs, private certificates,
// threat detection.

import { hourly, line, list, monthly, Pricer, text, unknownLine } from "./pricer";

export const SECURITY_PRICERS: Readonly<Record<string, Pricer>> = {
    "aws:directoryservice/directory:Directory": (inputs, context) => {
        const type = text(inputs.type) ?? "SimpleAD";
        const size = text(inputs.size);
        if (type !== "ADConnector") {
            return [unknownLine(`${type} directory`, `${type} directories are not in the price table`)];
        }
        return size === undefined ? [unknownLine("AD Connector", "size is not known at plan time")] : [hourly(context, `AD Connector (${size})`, "ds.adConnector.hour", size)];
    },
    "aws:kms/key:Key": (_inputs, context) => [monthly(context, "customer managed key", "kms.key.month")],
    "aws:secretsmanager/secret:Secret": (_inputs, context) => [monthly(context, "secret", "secretsmanager.secret.month")],
    "aws:wafv2/webAcl:WebAcl": (inputs, context) => {
        const rules = list(inputs.rules)?.length ?? 0;
        return [line(`web ACL + ${rules} rules`, [[context.rate("wafv2.webAcl.month"), 1], [context.rate("wafv2.rule.month"), rules]])];
    },
    "aws:acm/certificate:Certificate": (inputs) =>
        inputs.certificateAuthorityArn === undefined ? [] : [unknownLine("private certificate", "certificates of an AWS Private CA are not in the price table")],
    "aws:guardduty/detector:Detector": (_inputs, context) => [monthly(context, "threat detection analysis", "guardduty.analysis")],
    "aws:cfg/recorder:Recorder": (_inputs, context) => [monthly(context, "configuration items recorded", "config.items")],
};
