import { describe, expect, it } from "vitest";

import { DEFAULT_DEPLOY_ROLE_NAME } from "../lib/promises/network-changes";
import { platformFixture } from "./fixtures/platform-configs";

describe("platform setting deployRoleName", () => {
    it("GIVEN no deployRoleName WHEN read THEN the documented default, the workflow's role name", () => {
        expect(platformFixture(["eu-west-1"]).settings.get("eu-west-1")!.deployRoleName).toBe(DEFAULT_DEPLOY_ROLE_NAME);
        expect(platformFixture(["eu-west-1"], { deployRoleName: "github-deploy" }).settings.get("eu-west-1")!.deployRoleName).toBe("github-deploy");
    });

    it.each([
        ["arn:aws:iam::123456789012:role/itm-deploy"],
        ["itm deploy"],
        ["r".repeat(65)],
    ])("GIVEN deployRoleName %j WHEN validated THEN one positioned problem naming the setting", (value) => {
        const fleet = platformFixture(["eu-west-1"], { deployRoleName: value });
        expect(fleet.settings.size).toBe(0);
        expect(fleet.problems).toEqual([
            expect.objectContaining({
                file: "platform-configs/eu-west-1.yaml",
                path: "/deployRoleName",
                // A value that looks like a secret (an ARN with its account) is not shown, as in tenant files.
                message: expect.stringMatching(/^(".*"|\(a value that looks like a secret, not shown\)) is not an IAM role name; expected 1 to 64 letters, digits or \+ = , \. @ _ - \(the name of the role AWS_DEPLOY_ROLE_ARN names, not its ARN\)$/),
            }),
        ]);
        expect(fleet.problems[0]!.line).toBeGreaterThan(1);
    });

    it("GIVEN a number WHEN validated THEN the schema refuses it", () => {
        const fleet = platformFixture(["eu-west-1"], { deployRoleName: 7 });
        expect(fleet.problems.map((problem) => problem.path)).toEqual(["/deployRoleName"]);
    });
});
