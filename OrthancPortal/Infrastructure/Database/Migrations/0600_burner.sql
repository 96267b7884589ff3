-- CD/DVD burner: burn jobs and the studies already put on a disc (issue 6).
CREATE TABLE "BurnedStudies" (
    "StudyOrthancId" TEXT NOT NULL CONSTRAINT "PK_BurnedStudies" PRIMARY KEY,
    "JobId" INTEGER NOT NULL,
    "At" TEXT NOT NULL
);

CREATE TABLE "BurnerJobs" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_BurnerJobs" PRIMARY KEY AUTOINCREMENT,
    "CreatedAt" TEXT NOT NULL,
    "UpdatedAt" TEXT NOT NULL,
    "Trigger" TEXT NOT NULL,
    "RequestedBy" TEXT NOT NULL,
    "PatientOrthancId" TEXT NOT NULL,
    "StudyOrthancIds" TEXT NOT NULL,
    "PatientName" TEXT NOT NULL,
    "PatientId" TEXT NOT NULL,
    "StudySummary" TEXT NOT NULL,
    "StudyCount" INTEGER NOT NULL,
    "Manufacturer" TEXT NOT NULL,
    "DiscType" TEXT NOT NULL,
    "State" TEXT NOT NULL,
    "Detail" TEXT NULL,
    "RequestName" TEXT NULL,
    "RequestFolder" TEXT NULL,
    "JobFolder" TEXT NULL,
    "SizeBytes" INTEGER NOT NULL,
    "SubmittedAt" TEXT NULL,
    "LastSignalAt" TEXT NULL,
    "CancelRequested" INTEGER NOT NULL,
    "DeletedFromOrthanc" INTEGER NOT NULL
);

CREATE INDEX "IX_BurnerJobs_CreatedAt" ON "BurnerJobs" ("CreatedAt");
CREATE INDEX "IX_BurnerJobs_RequestName" ON "BurnerJobs" ("RequestName");
CREATE INDEX "IX_BurnerJobs_State" ON "BurnerJobs" ("State");
