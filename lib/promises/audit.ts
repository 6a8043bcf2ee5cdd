// Audit logs as sold: every account's API activity recorded by a trail. Where an organisation trail
// records the account, the home platform keeps a record of it (an SSM parameter) so the policy pack
// can tell "recorded elsewhere" from "recorded nowhere".

/** The tag (key=value) of a platform's record that an organisation trail records the account. */
export const ORGANIZATION_TRAIL_TAG = { key: "audit-trail", value: "organization" } as const;
