// Real Orthancs, portals and browsers run in the tests: two classes at a time fit the 2-core CI machines.
[assembly: CollectionBehavior(MaxParallelThreads = 2)]
