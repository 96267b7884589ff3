-- A random id for this database, made once at creation: work files (spools, export archives) live under it (issue 12).
CREATE TABLE "PortalInstance" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_PortalInstance" PRIMARY KEY,
    "InstanceId" TEXT NOT NULL
);

INSERT INTO "PortalInstance" ("Id", "InstanceId") VALUES (1, lower(hex(randomblob(16))));
