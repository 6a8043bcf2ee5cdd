import { specialSigKey } from "@pulumi/pulumi/runtime/rpc";

import { MockAttributeContext, MockAttributes } from "./types";

/**
 * When every plan's certificates were issued: a fixed instant, so that plans are byte-identical
 * from run to run (a real deployment stamps the time of issue).
 */
export const PLAN_CERTIFICATES_ISSUED_AT = "2025-01-01T00:00:00Z";

/** Pulumi's wire mark of a secret value, as the mocks receive secret inputs. */
const SECRET_SIG_KEY = specialSigKey;

/** The value itself, whether or not the program passed it as a secret. */
function plain(value: unknown): unknown {
    return value !== null && typeof value === "object" && SECRET_SIG_KEY in value ? (value as { value?: unknown }).value : value;
}

/** A PEM block of `bytes` deterministic bytes of this resource, wrapped at 64 characters like Go's encoder. */
function pem(ctx: MockAttributeContext, label: string, bytes: number): string {
    const body = Buffer.from(ctx.hex(bytes * 2, label), "hex").toString("base64");
    return `-----BEGIN ${label}-----\n${body.match(/.{1,64}/g)?.join("\n") ?? ""}\n-----END ${label}-----\n`;
}

/** DER sizes of a key pair per algorithm, close to what the tls provider emits. */
function keySizes(algorithm: string, rsaBits: number, curve: string): { privateBytes: number; publicBytes: number } {
    switch (algorithm) {
        case "RSA":
            return { privateBytes: Math.round(rsaBits * 0.582), publicBytes: Math.round(rsaBits / 8 + 38) };
        case "ECDSA": {
            const bits = Number(curve.replace(/^P/, "")) || 224;
            return { privateBytes: Math.ceil(bits / 8) * 3 + 25, publicBytes: Math.ceil(bits / 8) * 2 + 27 };
        }
        default:
            return { privateBytes: 48, publicBytes: 44 };
    }
}

/** `-----BEGIN RSA PRIVATE KEY-----` -> `RSA`, the algorithm of a key as the tls provider reports it. */
function algorithmOfPem(value: unknown): string {
    const text = String(plain(value) ?? "");
    if (text.includes("BEGIN RSA PRIVATE KEY")) {
        return "RSA";
    }
    if (text.includes("BEGIN EC PRIVATE KEY")) {
        return "ECDSA";
    }
    return text.includes("BEGIN PRIVATE KEY") ? "ED25519" : "RSA";
}

/** RFC 3339 end of a validity period of `hours` from the plan's issue instant. */
function validityEnd(hours: unknown): string {
    const start = Date.parse(PLAN_CERTIFICATES_ISSUED_AT);
    return new Date(start + Number(hours ?? 0) * 3_600_000).toISOString().replace(/\.000Z$/, "Z");
}

/** A certificate as the tls provider returns it: PEM, validity window, not yet due for renewal. */
function certificate(ctx: MockAttributeContext): Record<string, unknown> {
    return {
        certPem: pem(ctx, "CERTIFICATE", 810),
        validityStartTime: PLAN_CERTIFICATES_ISSUED_AT,
        validityEndTime: validityEnd(ctx.inputs.validityPeriodHours),
        readyForRenewal: false,
        earlyRenewalHours: ctx.inputs.earlyRenewalHours ?? 0,
        // tls resources have no ARN; drop the generic one the mocks give every resource.
        arn: undefined,
    };
}

/** Attributes of the operations area: the Client VPN and the certificates it is authenticated by. */
export const operationsAttributes: MockAttributes = {
    "tls:index/privateKey:PrivateKey": (ctx) => {
        const algorithm = String(ctx.inputs.algorithm ?? "RSA");
        const rsaBits = Number(ctx.inputs.rsaBits ?? 2048);
        const ecdsaCurve = String(ctx.inputs.ecdsaCurve ?? "P224");
        const { privateBytes, publicBytes } = keySizes(algorithm, rsaBits, ecdsaCurve);
        const label = algorithm === "RSA" ? "RSA PRIVATE KEY" : algorithm === "ECDSA" ? "EC PRIVATE KEY" : "PRIVATE KEY";
        const sshType = algorithm === "RSA" ? "ssh-rsa" : algorithm === "ECDSA" ? `ecdsa-sha2-nistp${ecdsaCurve.replace(/^P/, "")}` : "ssh-ed25519";
        // The SSH wire format: length-prefixed fields, the key type first; RSA then has the
        // exponent 65537 and the modulus (with its sign byte).
        const field = (bytes: Buffer): Buffer => {
            const length = Buffer.alloc(4);
            length.writeUInt32BE(bytes.length);
            return Buffer.concat([length, bytes]);
        };
        const material = Buffer.from(ctx.hex((algorithm === "RSA" ? rsaBits / 8 : publicBytes) * 2, "public"), "hex");
        const fields =
            algorithm === "RSA"
                ? [Buffer.from(sshType), Buffer.from([1, 0, 1]), Buffer.concat([Buffer.from([0]), material])]
                : [Buffer.from(sshType), material];
        const publicKey = Buffer.concat(fields.map(field)).toString("base64");
        const md5 = ctx.hex(32, "md5").match(/../g)?.join(":") ?? "";
        return {
            algorithm,
            rsaBits,
            ecdsaCurve,
            privateKeyPem: pem(ctx, label, privateBytes),
            privateKeyPemPkcs8: pem(ctx, "PRIVATE KEY", privateBytes + 26),
            privateKeyOpenssh: pem(ctx, "OPENSSH PRIVATE KEY", privateBytes + 400),
            publicKeyPem: pem(ctx, "PUBLIC KEY", publicBytes),
            publicKeyOpenssh: `${sshType} ${publicKey}\n`,
            publicKeyFingerprintMd5: md5,
            publicKeyFingerprintSha256: `SHA256:${Buffer.from(ctx.hex(64, "sha256"), "hex").toString("base64").replace(/=+$/, "")}`,
            arn: undefined,
        };
    },
    "tls:index/selfSignedCert:SelfSignedCert": (ctx) => ({
        ...certificate(ctx),
        keyAlgorithm: algorithmOfPem(ctx.inputs.privateKeyPem),
    }),
    "tls:index/locallySignedCert:LocallySignedCert": (ctx) => ({
        ...certificate(ctx),
        caKeyAlgorithm: algorithmOfPem(ctx.inputs.caPrivateKeyPem),
    }),
    "tls:index/certRequest:CertRequest": (ctx) => ({
        certRequestPem: pem(ctx, "CERTIFICATE REQUEST", 660),
        keyAlgorithm: algorithmOfPem(ctx.inputs.privateKeyPem),
        arn: undefined,
    }),
    "aws:ec2clientvpn/endpoint:Endpoint": ({ id, region, account }) => ({
        // Clients resolve a random label under the wildcard, spreading them over the endpoint's addresses.
        dnsName: `*.${id}.prod.clientvpn.${region}.amazonaws.com`,
        arn: `arn:aws:ec2:${region}:${account}:client-vpn-endpoint/${id}`,
        selfServicePortalUrl: "",
    }),
    "aws:ec2clientvpn/networkAssociation:NetworkAssociation": ({ inputs, id, stateOf }) => {
        const endpoint = typeof inputs.clientVpnEndpointId === "string" ? stateOf(inputs.clientVpnEndpointId) : undefined;
        return { associationId: id, vpcId: endpoint?.vpcId, arn: undefined };
    },
    "aws:ec2clientvpn/authorizationRule:AuthorizationRule": () => ({ arn: undefined }),
    "aws:cloudwatch/logStream:LogStream": ({ inputs, region, account }) => ({
        arn: `arn:aws:logs:${region}:${account}:log-group:${String(inputs.logGroupName)}:log-stream:${String(inputs.name)}`,
    }),
};
