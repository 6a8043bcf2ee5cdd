// The tenant schema's validator. `npm run build` writes ajv's standalone code for it beside this
// module's compiled JavaScript (dist/stacks/config/tenant-schema.validator.js): loading that takes
// about 4 ms, where loading ajv and compiling the schema take 0.13 s of every stack's start-up under
// Pulumi's language host. From the TypeScript sources (tests, the plan, the scripts) ajv compiles the
// schema as it loads. Both are ajv's code for the same schema and options, so they answer the same
// (tested); the build records the schema among its sources, so a changed schema means a rebuild.

import * as fs from "node:fs";
import * as path from "node:path";

import type Ajv2020 from "ajv/dist/2020";
import type { ValidateFunction } from "ajv/dist/2020";

import schema from "../../tenant-configs/tenant.schema.json";
import type { TenantDocument } from "./tenant";

export const AJV_OPTIONS = { allErrors: true, strict: true, verbose: true, unicodeRegExp: true } as const;

/** The file the build writes the standalone validator to, beside this module's JavaScript. */
export const PRECOMPILED_VALIDATOR = "tenant-schema.validator.js";

/** The folder of this module relative to the project root, where the build puts the validator. */
export const MODULE_DIR = path.join("stacks", "config");

function compile(source: boolean): { ajv: Ajv2020; validate: ValidateFunction<TenantDocument> } {
    // Required here: the precompiled validator needs none of ajv's compiler.
    const Ajv = (require("ajv/dist/2020") as typeof import("ajv/dist/2020")).default;
    const ajv = new Ajv({ ...AJV_OPTIONS, code: { source } });
    return { ajv, validate: ajv.compile<TenantDocument>(schema) };
}

/** The validator written beside the compiled module by the build, else the schema compiled now. */
export function tenantSchemaValidator(dir: string = __dirname): ValidateFunction<TenantDocument> {
    const precompiled = path.join(dir, PRECOMPILED_VALIDATOR);
    if (fs.existsSync(precompiled)) {
        return require(precompiled) as ValidateFunction<TenantDocument>;
    }
    return compile(false).validate;
}

/** ajv's standalone code of the validator: a CommonJS module exporting the validate function. */
export function standaloneValidatorCode(): string {
    const { ajv, validate } = compile(true);
    const standaloneCode = (require("ajv/dist/standalone") as typeof import("ajv/dist/standalone")).default;
    return standaloneCode(ajv, validate);
}
