import { auditAttributes } from "./audit";
import { computeAttributes } from "./compute";
import { connectivityAttributes } from "./connectivity";
import { dataAttributes } from "./data";
import { edgeAttributes } from "./edge";
import { networkAttributes } from "./network";
import { operationsAttributes } from "./operations";
import { MockAttributes } from "./types";

export { MockAttributeContext, MockAttributes } from "./types";

/** Every type-specific attribute mock, by type token. */
export const MOCK_ATTRIBUTES: MockAttributes = {
    ...networkAttributes,
    ...computeAttributes,
    ...edgeAttributes,
    ...dataAttributes,
    ...connectivityAttributes,
    ...auditAttributes,
    ...operationsAttributes,
};
