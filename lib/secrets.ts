// What reads as a secret: key names that must never hold one in a tenant or platform file, and
// values that messages must never echo.

const SECRET_WORDS = [
    "password",
    "passwd",
    "pwd",
    "passphrase",
    "secret",
    "token",
    "privatekey",
    "secretkey",
    "accesskey",
    "apikey",
    "psk",
    "presharedkey",
    "credential",
    "credentials",
];

/** True for key names that end with a secret-like word, whatever their case or separators. */
export function isSecretLikeKey(key: string): boolean {
    const normalised = key.toLowerCase().replace(/[-_.\s]/g, "");
    return SECRET_WORDS.some((word) => normalised.endsWith(word));
}

/** True for values that look like key material or credentials, which messages must never echo. */
export function looksLikeSecret(value: string): boolean {
    if (/-----BEGIN [A-Z ]*(PRIVATE KEY|CERTIFICATE)-----/.test(value) || /\b(AKIA|ASIA)[A-Z0-9]{16}\b/.test(value)) {
        return true;
    }
    // Long unbroken runs mixing upper case, lower case and digits (or symbols) read as generated
    // secrets; names, domains and CIDRs do not look like that.
    return value.split(/\s+/).some((word) => {
        if (word.length < 20) {
            return false;
        }
        const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9.-]/].filter((pattern) => pattern.test(word)).length;
        return classes >= 3;
    });
}
