import { boundedMemo } from "../../../lib/bounded-memo";
import { SECRET_PLACEHOLDER } from "../../../lib/plan-document";
import { Finding, StackRule } from "../types";

/**
 * Input names that carry secret material: the validator's secret words, plus the names the AWS,
 * random and tls providers give it (`secretString`, `privateKeyPem`, `caPrivateKeyPem`).
 */
const SECRET_INPUT = /(password|passwd|secret|secretstring|token|privatekey|privatekeypem|psk|presharedkey|credentials)$/;

export function isSecretInput(key: string): boolean {
    return SECRET_INPUT.test(key.toLowerCase().replace(/[-_.\s]/g, ""));
}

/** isSecretInput of each key, remembered: every resource of every stack is walked key by key. */
const isSecretKey = boundedMemo(isSecretInput);

/** Adds to `found` the paths of string values under secret inputs that are not secrets, depth first. */
function clearSecrets(value: unknown, path: string, underSecretKey: boolean, found: string[]): void {
    if (typeof value === "string") {
        if (underSecretKey && value !== SECRET_PLACEHOLDER && value !== "") {
            found.push(path);
        }
    } else if (Array.isArray(value)) {
        for (let index = 0; index < value.length; index++) {
            clearSecrets(value[index], `${path}[${index}]`, underSecretKey, found);
        }
    } else if (value !== null && typeof value === "object") {
        for (const key of Object.keys(value)) {
            clearSecrets((value as Record<string, unknown>)[key], path === "" ? key : `${path}.${key}`, underSecretKey || isSecretKey(key), found);
        }
    }
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
        return stack.resources.flatMap((resource): Finding[] => {
            const found: string[] = [];
            clearSecrets(resource.props, "", false, found);
            return found.map((path) => ({ resource: resource.name, message: `${path} holds a value in clear text; expected a Pulumi secret ("[secret]" in the plan)` }));
        });
    },
};
