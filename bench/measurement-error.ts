// The benchmark's failure to measure (an invalid fleet, a failed plan): exit 1, no usage text.

import { EXIT, UsageError } from "../scripts/lib/cli";

/** A measurement that could not be made (an invalid fleet, a failed plan): exit 1, no usage text. */
export class MeasurementError extends UsageError {
    constructor(message: string) {
        super(message, EXIT.invalid);
    }
}
