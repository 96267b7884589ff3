-- GDT outbox, worklist entries, the accession number counter and worklist API keys (issue 7).
CREATE TABLE "GdtFiles" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_GdtFiles" PRIMARY KEY AUTOINCREMENT,
    "Key" TEXT NOT NULL,
    "Kind" TEXT NOT NULL,
    "OrthancStudyId" TEXT NOT NULL,
    "StudyInstanceUid" TEXT NOT NULL,
    "PatientId" TEXT NOT NULL,
    "Accession" TEXT NOT NULL,
    "FileName" TEXT NOT NULL,
    "WrittenAt" TEXT NOT NULL,
    "WriteCount" INTEGER NOT NULL,
    "WebhookResult" TEXT NULL
);

CREATE TABLE "WorklistApiKeys" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_WorklistApiKeys" PRIMARY KEY AUTOINCREMENT,
    "Client" TEXT NOT NULL,
    "KeyHash" TEXT NOT NULL,
    "Prefix" TEXT NOT NULL,
    "CreatedAt" TEXT NOT NULL,
    "CreatedBy" TEXT NOT NULL,
    "RevokedAt" TEXT NULL,
    "LastUsedAt" TEXT NULL
);

CREATE TABLE "WorklistCounters" (
    "Name" TEXT NOT NULL CONSTRAINT "PK_WorklistCounters" PRIMARY KEY,
    "Value" INTEGER NOT NULL
);

CREATE TABLE "WorklistEntries" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_WorklistEntries" PRIMARY KEY AUTOINCREMENT,
    "AccessionNumber" TEXT NOT NULL,
    "PatientId" TEXT NOT NULL,
    "LastName" TEXT NOT NULL,
    "FirstName" TEXT NOT NULL,
    "BirthDate" TEXT NOT NULL,
    "Sex" TEXT NOT NULL,
    "Modality" TEXT NOT NULL,
    "StationAet" TEXT NOT NULL,
    "Procedure" TEXT NOT NULL,
    "Physician" TEXT NOT NULL,
    "ScheduledAt" TEXT NOT NULL,
    "StudyInstanceUid" TEXT NOT NULL,
    "FileName" TEXT NOT NULL,
    "CreatedAt" TEXT NOT NULL,
    "CreatedBy" TEXT NOT NULL,
    "WebhookResult" TEXT NULL
);

CREATE UNIQUE INDEX "IX_GdtFiles_Key" ON "GdtFiles" ("Key");

CREATE INDEX "IX_GdtFiles_WrittenAt" ON "GdtFiles" ("WrittenAt");

CREATE UNIQUE INDEX "IX_WorklistApiKeys_KeyHash" ON "WorklistApiKeys" ("KeyHash");

CREATE UNIQUE INDEX "IX_WorklistEntries_AccessionNumber" ON "WorklistEntries" ("AccessionNumber");

CREATE INDEX "IX_WorklistEntries_ScheduledAt" ON "WorklistEntries" ("ScheduledAt");
