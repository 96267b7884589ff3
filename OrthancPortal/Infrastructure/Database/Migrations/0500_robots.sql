-- Query/retrieve robots: the robot and its items (issue 5).
CREATE TABLE "Robots" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_Robots" PRIMARY KEY AUTOINCREMENT,
    "ProjectName" TEXT NOT NULL,
    "OwnerId" TEXT NULL,
    "OwnerName" TEXT NOT NULL,
    "Status" TEXT NOT NULL,
    "WindowStart" TEXT NOT NULL,
    "WindowStop" TEXT NOT NULL,
    "Concurrency" INTEGER NOT NULL,
    "CreatedAt" TEXT NOT NULL,
    "ApprovedAt" TEXT NULL,
    "ApprovedBy" TEXT NULL,
    "FinishedAt" TEXT NULL
);

CREATE TABLE "RobotItems" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_RobotItems" PRIMARY KEY AUTOINCREMENT,
    "RobotId" INTEGER NOT NULL,
    "Line" INTEGER NOT NULL,
    "Modality" TEXT NOT NULL,
    "PatientName" TEXT NOT NULL,
    "PatientId" TEXT NOT NULL,
    "AccessionNumber" TEXT NOT NULL,
    "DateFrom" TEXT NULL,
    "DateTo" TEXT NULL,
    "StudyDescription" TEXT NOT NULL,
    "Modalities" TEXT NOT NULL,
    "StudyInstanceUid" TEXT NOT NULL,
    "SeriesInstanceUid" TEXT NOT NULL,
    "Validation" TEXT NOT NULL,
    "ValidationMessage" TEXT NULL,
    "Found" TEXT NULL,
    "State" TEXT NOT NULL,
    "Attempts" INTEGER NOT NULL,
    "NextAttemptAt" TEXT NULL,
    "FailureReason" TEXT NULL,
    "JobId" TEXT NULL,
    "LocalStudyId" TEXT NULL,
    "UpdatedAt" TEXT NOT NULL,
    CONSTRAINT "FK_RobotItems_Robots_RobotId" FOREIGN KEY ("RobotId") REFERENCES "Robots" ("Id") ON DELETE CASCADE
);

CREATE INDEX "IX_RobotItems_RobotId_Line" ON "RobotItems" ("RobotId", "Line");

CREATE INDEX "IX_RobotItems_RobotId_State" ON "RobotItems" ("RobotId", "State");

CREATE INDEX "IX_Robots_OwnerId" ON "Robots" ("OwnerId");

CREATE INDEX "IX_Robots_Status" ON "Robots" ("Status");
