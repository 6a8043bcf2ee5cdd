import { Finding, StackRule } from "../types";

/** What the offline plan shows in place of a secret value. */
const PLAN_SECRET = "[secret]";

/**
 * Input names that carry secret material: the validator's secret words, plus the names the AWS,
 * random and tls providers give it (`secretString`, `privateKeyPem`, `caPrivateKeyPem`).
 */
const SECRET_INPUT = /(password|passwd|secret|secretstring|token|privatekey|privatekeypem|psk|presharedkey|credentials)$/;

export function isSecretInput(key: string): boolean {
    return SECRET_INPUT.test(key.toLowerCase().replace(/[-_.\s]/g, ""));
}

/** Paths of string values under secret inputs that are not secrets. */
function clearSecrets(value: unknown, path: string, underSecretKey: boolean): string[] {
    if (typeof value === "string") {
        return underSecretKey && value !== PLAN_SECRET && value !== "" ? [path] : [];
    }
    if (Array.isArray(value)) {
        return value.flatMap((item, index) => clearSecrets(item, `${path}[${index}]`, underSecretKey));
    }
    if (value !== null && typeof value === "object") {
        return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) => clearSecrets(child, path === "" ? key : `${path}.${key}`, underSecretKey || isSecretInput(key)));
    }
    return [];
}

export const disallowPlaintextSecrets: StackRule = {
    kind: "stack",
    name: "any-resource-no-clear-text-secret",
    description:
        'No input named like secret material (password, secret, token, private key, pre-shared key, psk, credentials, secretString ...) holds a value that is not a Pulumi secret: in the plan every such value is "[secret]".',
    why: "Passwords, pre-shared keys and private keys must never reach the state, the plan, logs or outputs in clear text; a value that is not a Pulumi secret is stored in the stack's state as is.",
    enforcement: "mandatory",
    offlineOnly: "CrossGuard hands policies secret values in plaintext, so a secret cannot be told from a clear value there",
    validate(stack) {
        return stack.resources.flatMap((resource): Finding[] =>
            clearSecrets(resource.props, "", false).map((path) => ({ resource: resource.name, message: `${path} holds a value in clear text; expected a Pulumi secret ("[secret]" in the plan)` })),
        );
    },
};
