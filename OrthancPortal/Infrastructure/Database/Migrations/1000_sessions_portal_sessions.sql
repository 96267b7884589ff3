-- Server-side sign-in sessions (issue 12): the cookie holds a key, the ticket lives here; deleting a row ends the session.
CREATE TABLE "PortalSessions" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_PortalSessions" PRIMARY KEY,
    "UserId" TEXT NOT NULL,
    "CreatedAt" TEXT NOT NULL,
    "LastSeenAt" TEXT NOT NULL,
    "ExpiresAt" TEXT NOT NULL,
    "Ticket" BLOB NOT NULL,
    CONSTRAINT "FK_PortalSessions_AspNetUsers_UserId" FOREIGN KEY ("UserId") REFERENCES "AspNetUsers" ("Id") ON DELETE CASCADE
);

CREATE INDEX "IX_PortalSessions_ExpiresAt" ON "PortalSessions" ("ExpiresAt");

CREATE INDEX "IX_PortalSessions_UserId" ON "PortalSessions" ("UserId");
