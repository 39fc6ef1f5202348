"""The command line (``cdplan``): a thin layer over the same functions the HTTP API calls.

The top layer of the project (``cli`` -> ``api`` -> ``planner`` -> ``geodata``): it may import
every other package and none imports it. :mod:`cli.main` holds the commands (plan, check, schema,
route, geodata, bench, demo); :mod:`cli.service` the service's own (serve, users, audit);
:mod:`cli.demo`, :mod:`cli.bench`, :mod:`cli.bench_peers` and :mod:`cli.summary` what they print;
:mod:`cli.localserver` and :mod:`cli.loadcheck` run the API in a subprocess for the load check
and the fault tests.
"""
