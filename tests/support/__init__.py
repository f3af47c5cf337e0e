"""The one support kit for tests, benchmarks and tools: waiting, sockets, stand-in peers, launchers, the window driver.

Nothing here is a test. Benchmarks and tools import it too, so it never imports `bench`.
"""
