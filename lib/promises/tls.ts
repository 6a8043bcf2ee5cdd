// Encryption in transit as sold: every HTTPS listener negotiates TLS 1.2 or later. The front door
// applies the default; the policy pack refuses any older policy.

export const DEFAULT_SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

/**
 * True for the ALB security policies whose minimum is TLS 1.2 (`TLS13-1-2`, `TLS13-1-3`, `TLS-1-2`,
 * `FS-1-2` families); false for the 2016/2015 defaults and every 1.0/1.1 policy.
 */
export function isTls12OrLaterPolicy(policy: string): boolean {
    return /^ELBSecurityPolicy-(TLS13-1-[23]|TLS-1-2|FS-1-2)-/.test(policy);
}
