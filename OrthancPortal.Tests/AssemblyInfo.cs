// Real Orthancs, portals and browsers run in the tests: two classes at a time fit the 2-core CI machines.
[assembly: CollectionBehavior(MaxParallelThreads = 2)]

// The tests need Debian's Orthanc, dcmtk and test servers, and check Unix file modes.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
