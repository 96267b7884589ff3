-- Automation (issue 8): portal-made rules and the run log.
CREATE TABLE "AutomationExecutions" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_AutomationExecutions" PRIMARY KEY AUTOINCREMENT,
    "RuleKey" TEXT NOT NULL,
    "RuleName" TEXT NOT NULL,
    "ResourceLevel" TEXT NOT NULL,
    "ResourceId" TEXT NOT NULL,
    "ResourceLabel" TEXT NOT NULL,
    "TriggerKey" TEXT NOT NULL,
    "Outcome" TEXT NOT NULL,
    "StartedAt" TEXT NOT NULL,
    "DurationMs" INTEGER NOT NULL,
    "OutputPath" TEXT NULL,
    "Error" TEXT NULL,
    "ProducedStudyId" TEXT NULL
);

CREATE TABLE "AutomationRules" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_AutomationRules" PRIMARY KEY AUTOINCREMENT,
    "Name" TEXT NOT NULL,
    "Comment" TEXT NOT NULL,
    "CheckOn" TEXT NOT NULL,
    "IsActive" INTEGER NOT NULL,
    "ConditionsJson" TEXT NOT NULL,
    "ActionsJson" TEXT NOT NULL,
    "UpdatedAt" TEXT NOT NULL,
    "UpdatedBy" TEXT NOT NULL
);

CREATE INDEX "IX_AutomationExecutions_ProducedStudyId" ON "AutomationExecutions" ("ProducedStudyId");

CREATE UNIQUE INDEX "IX_AutomationExecutions_RuleKey_ResourceId_TriggerKey" ON "AutomationExecutions" ("RuleKey", "ResourceId", "TriggerKey");

CREATE INDEX "IX_AutomationExecutions_StartedAt" ON "AutomationExecutions" ("StartedAt");

CREATE UNIQUE INDEX "IX_AutomationRules_Name" ON "AutomationRules" ("Name");

