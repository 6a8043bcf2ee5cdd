// A small reader of IAM policy documents for the tests: does a policy allow an action on a resource?
// It over-approximates on purpose: conditions and Deny statements are ignored (both only ever
// narrow an Allow), so "not allowed" here is not allowed by AWS either, which is what the
// least-privilege tests assert about other tenants' ARNs.

type Strings = string | string[] | undefined;

interface Statement {
    readonly Effect: "Allow" | "Deny";
    readonly Action?: Strings;
    readonly NotAction?: Strings;
    readonly Resource?: Strings;
    readonly NotResource?: Strings;
    readonly Principal?: "*" | { readonly AWS?: Strings; readonly Service?: Strings };
    readonly Condition?: Record<string, unknown>;
}

interface PolicyDocument {
    readonly Version: string;
    readonly Statement: Statement | Statement[];
}

const list = (value: Strings): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/**
 * IAM's wildcard match of an ARN against a Resource (or Action) pattern: `*` is any run of
 * characters (ARN separators included), `?` any one character, everything else literal.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
 */
export function wildcardMatches(pattern: string, value: string, options: { ignoreCase?: boolean } = {}): boolean {
    const regex = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
    return new RegExp(`^${regex}$`, options.ignoreCase ? "i" : "").test(value);
}

function statementsOf(document: string | PolicyDocument): Statement[] {
    const parsed = typeof document === "string" ? (JSON.parse(document) as PolicyDocument) : document;
    return Array.isArray(parsed.Statement) ? parsed.Statement : [parsed.Statement];
}

function actionMatches(statement: Statement, action: string): boolean {
    // Action names are case-insensitive.
    if (statement.NotAction !== undefined) {
        return !list(statement.NotAction).some((pattern) => wildcardMatches(pattern, action, { ignoreCase: true }));
    }
    return list(statement.Action).some((pattern) => wildcardMatches(pattern, action, { ignoreCase: true }));
}

function resourceMatches(statement: Statement, resource: string): boolean {
    if (statement.NotResource !== undefined) {
        return !list(statement.NotResource).some((pattern) => wildcardMatches(pattern, resource));
    }
    return list(statement.Resource).some((pattern) => wildcardMatches(pattern, resource));
}

function principalMatches(statement: Statement, principalArn: string): boolean {
    if (statement.Principal === "*") {
        return true;
    }
    return list(statement.Principal?.AWS).some((pattern) => pattern === "*" || pattern === principalArn);
}

/** Whether some Allow statement of an identity policy covers `action` on `resource` (conditions ignored). */
export function identityAllows(document: string | PolicyDocument, action: string, resource: string): boolean {
    return statementsOf(document).some((statement) => statement.Effect === "Allow" && actionMatches(statement, action) && resourceMatches(statement, resource));
}

/** Whether some Allow statement of a resource policy lets `principalArn` do `action` on `resource` (conditions ignored). */
export function resourcePolicyAllows(document: string | PolicyDocument, principalArn: string, action: string, resource: string): boolean {
    return statementsOf(document).some(
        (statement) => statement.Effect === "Allow" && principalMatches(statement, principalArn) && actionMatches(statement, action) && resourceMatches(statement, resource),
    );
}

/** Every Resource pattern of the Allow statements: a least-privilege test asserts none is a bare `*`. */
export function allowedResources(document: string | PolicyDocument): string[] {
    return statementsOf(document)
        .filter((statement) => statement.Effect === "Allow")
        .flatMap((statement) => (statement.NotResource !== undefined ? ["NotResource"] : list(statement.Resource)));
}
