-- Failed sign-ins and wrong worklist API keys per key (address, user name), in fixed windows shared by all portal processes (issue 12).
CREATE TABLE "RateLimitWindows" (
    "Key" TEXT NOT NULL CONSTRAINT "PK_RateLimitWindows" PRIMARY KEY,
    "WindowStart" TEXT NOT NULL,
    "Count" INTEGER NOT NULL,
    "Refused" INTEGER NOT NULL
);

CREATE INDEX "IX_RateLimitWindows_WindowStart" ON "RateLimitWindows" ("WindowStart");
