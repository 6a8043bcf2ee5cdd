import { boundedMemo } from "../../../lib/bounded-memo";
import { SECRET_PLACEHOLDER } from "../../../lib/plan-document";
import { Finding, StackRule } from "../types";

/**
 * Input names that carry secret material: the validator's secret words, plus the names the AWS,
 * random and tls providers give it (`secretString`, `privateKeyPem`, `caPrivateKeyPem`), and those
 * of API keys, AWS secret access keys and key passphrases.
 */
const SECRET_INPUT = /(password|passwd|secret|secretstring|token|privatekey|privatekeypem|psk|presharedkey|credentials|apikey|secretaccesskey|secretkey|passphrase)$/;

/**
 * Secret material whatever it is named: a PEM private key, an AWS access key id (its secret key is
 * then beside it), an AWS secret access key assigned in a script (user data).
 */
const SECRET_VALUE = /-----BEGIN [A-Z ]*PRIVATE KEY-----|\b(?:AKIA|ASIA)[A-Z0-9]{16}\b|aws_secret_access_key\s*[=:]/i;

export function isSecretInput(key: string): boolean {
    return SECRET_INPUT.test(key.toLowerCase().replace(/[-_.\s]/g, ""));
}

/** isSecretInput of each key, remembered: every resource of every stack is walked key by key. */
const isSecretKey = boundedMemo(isSecretInput);

/**
 * Adds to `found` the paths of values in clear text that are secrets, depth first: under a secret
 * input, any text but the placeholder and any number (a numeric PIN or password); anywhere, text
 * that is secret material by its shape.
 */
function clearSecrets(value: unknown, path: string, underSecretKey: boolean, found: string[]): void {
    if (typeof value === "string") {
        if (underSecretKey ? value !== SECRET_PLACEHOLDER && value !== "" : value.length >= 20 && SECRET_VALUE.test(value)) {
            found.push(path);
        }
    } else if (typeof value === "number") {
        if (underSecretKey) {
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
        'No input or stack output named like secret material (password, secret, token, private key, pre-shared key, psk, credentials, secretString, API key, secret access key, passphrase ...) holds a value that is not a Pulumi secret: in the plan every such value is "[secret]"; and no value anywhere is secret material by its shape (a PEM private key, an AWS access key).',
    why: "Passwords, pre-shared keys and private keys must never reach the state, the plan, logs or outputs in clear text; a value that is not a Pulumi secret is stored in the stack's state as is.",
    enforcement: "mandatory",
    offlineOnly: "CrossGuard hands policies secret values in plaintext, so a secret cannot be told from a clear value there",
    validate(stack) {
        const findings = stack.resources.flatMap((resource): Finding[] => {
            const found: string[] = [];
            clearSecrets(resource.props, "", false, found);
            return found.map((path) => ({ resource: resource.name, message: `${path} holds a value in clear text; expected a Pulumi secret ("[secret]" in the plan)` }));
        });
        // A stack output is kept in the state and shown to whoever reads the stack.
        const found: string[] = [];
        clearSecrets(stack.outputs ?? {}, "", false, found);
        return [...findings, ...found.map((path) => ({ resource: stack.stack, message: `output ${path} holds a value in clear text; expected a Pulumi secret ("[secret]" in the plan)` }))];
    },
};
