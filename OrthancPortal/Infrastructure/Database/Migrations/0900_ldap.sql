-- Directory groups mapped to portal roles (issue 9: LDAP / Active Directory sign-in).
CREATE TABLE "LdapGroupMappings" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_LdapGroupMappings" PRIMARY KEY AUTOINCREMENT,
    "Group" TEXT NOT NULL,
    "RoleName" TEXT NOT NULL
);

CREATE UNIQUE INDEX "IX_LdapGroupMappings_Group_RoleName" ON "LdapGroupMappings" ("Group", "RoleName");
