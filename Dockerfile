# One container: the self-contained portal plus Orthanc, dcmtk and plugins from Debian, in managed mode.
# It repeats scripts/deps.sh and scripts/run.sh (no Docker engine runs where this project is developed).
# The .NET 10 SDK publishes the net10.0 app self-contained (Debian has no .NET runtime package).
# scripts/container-rehearsal.sh runs the published portal in a trixie tree built from the same packages.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN bash scripts/assets.sh \
 && dotnet restore OrthancPortal/OrthancPortal.csproj \
 && dotnet publish OrthancPortal/OrthancPortal.csproj -c Release --no-restore -o /out

# Debian trixie: Orthanc 1.12 with the plugins, from the same package list that scripts/orthanc-tree.sh builds
# for scripts/run.sh and the tests on older hosts (scripts/orthanc-packages.txt), so the two cannot drift.
FROM debian:trixie-slim
COPY scripts/orthanc-packages.txt scripts/container-packages.txt /tmp/packages/
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      $(cat /tmp/packages/*.txt | grep -Ev '^\s*(#|$)') \
 && rm -rf /var/lib/apt/lists/* /tmp/packages
COPY --from=build /out /app
ENV Portal__DataFolder=/data \
    ASPNETCORE_URLS=http://0.0.0.0:8080 \
    Orthanc__Mode=Managed \
    Orthanc__DicomPort=4242 \
    Orthanc__DicomAet=ORTHANC
VOLUME ["/data"]
EXPOSE 8080 4242
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
WORKDIR /app
ENTRYPOINT ["/app/OrthancPortal"]
