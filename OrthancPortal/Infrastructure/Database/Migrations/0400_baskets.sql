-- Baskets, anonymization (profiles, provenance, pseudonym tables) and export destinations.
CREATE TABLE "AnonymizationProfiles" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_AnonymizationProfiles" PRIMARY KEY AUTOINCREMENT,
    "Name" TEXT NOT NULL,
    "Version" INTEGER NOT NULL,
    "RulesJson" TEXT NOT NULL,
    "UpdatedAt" TEXT NOT NULL,
    "UpdatedBy" TEXT NOT NULL
);

CREATE TABLE "AnonymizedStudies" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_AnonymizedStudies" PRIMARY KEY AUTOINCREMENT,
    "AnonymizedStudyId" TEXT NOT NULL,
    "OriginalStudyId" TEXT NOT NULL,
    "ProfileId" TEXT NOT NULL,
    "ProfileName" TEXT NOT NULL,
    "ProfileVersion" INTEGER NOT NULL,
    "DicomVersion" TEXT NOT NULL,
    "TaskId" INTEGER NULL,
    "ActorName" TEXT NOT NULL,
    "At" TEXT NOT NULL
);

CREATE TABLE "BasketItems" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_BasketItems" PRIMARY KEY AUTOINCREMENT,
    "UserId" TEXT NOT NULL,
    "Kind" TEXT NOT NULL,
    "Level" TEXT NOT NULL,
    "OrthancId" TEXT NOT NULL,
    "Label" TEXT NOT NULL,
    "AddedAt" TEXT NOT NULL
);

CREATE TABLE "ExportDestinations" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_ExportDestinations" PRIMARY KEY AUTOINCREMENT,
    "Name" TEXT NOT NULL,
    "Kind" TEXT NOT NULL,
    "Url" TEXT NOT NULL,
    "Username" TEXT NULL,
    "ProtectedPassword" TEXT NULL,
    "ProtectedPrivateKey" TEXT NULL,
    "HostKeySha256" TEXT NULL,
    "AllowInvalidCertificate" INTEGER NOT NULL,
    "UpdatedAt" TEXT NOT NULL
);

CREATE TABLE "PseudonymProjects" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_PseudonymProjects" PRIMARY KEY AUTOINCREMENT,
    "Name" TEXT NOT NULL,
    "Mode" TEXT NOT NULL,
    "Prefix" TEXT NOT NULL,
    "Width" INTEGER NOT NULL,
    "Counter" INTEGER NOT NULL
);

CREATE TABLE "PseudonymEntries" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_PseudonymEntries" PRIMARY KEY AUTOINCREMENT,
    "ProjectId" INTEGER NOT NULL,
    "OriginalPatientId" TEXT NOT NULL,
    "Pseudonym" TEXT NOT NULL,
    "DateShiftDays" INTEGER NOT NULL,
    "CreatedAt" TEXT NOT NULL,
    CONSTRAINT "FK_PseudonymEntries_PseudonymProjects_ProjectId" FOREIGN KEY ("ProjectId") REFERENCES "PseudonymProjects" ("Id") ON DELETE CASCADE
);

CREATE UNIQUE INDEX "IX_AnonymizationProfiles_Name" ON "AnonymizationProfiles" ("Name");

CREATE INDEX "IX_AnonymizedStudies_AnonymizedStudyId" ON "AnonymizedStudies" ("AnonymizedStudyId");

CREATE INDEX "IX_AnonymizedStudies_OriginalStudyId" ON "AnonymizedStudies" ("OriginalStudyId");

CREATE UNIQUE INDEX "IX_BasketItems_UserId_Kind_OrthancId" ON "BasketItems" ("UserId", "Kind", "OrthancId");

CREATE UNIQUE INDEX "IX_ExportDestinations_Name" ON "ExportDestinations" ("Name");

CREATE UNIQUE INDEX "IX_PseudonymEntries_ProjectId_OriginalPatientId" ON "PseudonymEntries" ("ProjectId", "OriginalPatientId");

CREATE UNIQUE INDEX "IX_PseudonymEntries_ProjectId_Pseudonym" ON "PseudonymEntries" ("ProjectId", "Pseudonym");

CREATE UNIQUE INDEX "IX_PseudonymProjects_Name" ON "PseudonymProjects" ("Name");
