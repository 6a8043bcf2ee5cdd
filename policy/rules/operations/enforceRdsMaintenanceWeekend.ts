// Weekend maintenance of the database servers (security documentation, 5.2).

import { weekendDatabaseWindowProblem } from "../../../lib/promises/maintenance";
import { ResourceRule } from "../types";

export const enforceRdsMaintenanceWeekend: ResourceRule = {
    kind: "resource",
    name: "rds-instance-maintenance-weekend",
    description: 'Every RDS instance has a maintenance window within the weekend (maintenanceWindow "ddd:hh24:mi-ddd:hh24:mi" starting and ending on Saturday or Sunday, UTC).',
    why: "The service promises weekend maintenance (security documentation, 5.2): RDS applies engine patches and may fail over or restart the database in its maintenance window; unset, RDS picks a random weekday.",
    enforcement: "mandatory",
    resourceTypes: ["aws:rds/instance:Instance"],
    validate: (database) => {
        const problem = weekendDatabaseWindowProblem(database.props.maintenanceWindow);
        return problem ? [problem] : [];
    },
};
