import { MockAttributes } from "./types";

/** Attributes AWS returns for the data resources the program creates. */
export const dataAttributes: MockAttributes = {
    "aws:rds/instance:Instance": ({ inputs, region, account, hex }) => {
        const h = hex(32, "secret");
        const secretId = `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
        const secretKey = inputs.masterUserSecretKmsKeyId ?? `arn:aws:kms:${region}:${account}:key/${hex(8, "key")}-0000-4000-a000-${hex(12, "key")}`;
        return {
            port: inputs.port ?? 5432,
            // RDS's Route 53 zone of the region's endpoints.
            hostedZoneId: `Z${hex(13, "zone").toUpperCase()}`,
            status: "available",
            // RDS keeps a managed master password in a secret named rds!db-<uuid>, suffixed by Secrets Manager.
            masterUserSecrets:
                inputs.manageMasterUserPassword === true
                    ? [{ secretArn: `arn:aws:secretsmanager:${region}:${account}:secret:rds!db-${secretId}-${hex(6, "suffix")}`, secretStatus: "active", kmsKeyId: secretKey }]
                    : [],
        };
    },
    // RDS names parameter groups by their name, which the provider generates when none is given.
    "aws:rds/parameterGroup:ParameterGroup": ({ inputs, id }) => ({ name: inputs.name ?? id }),
};
