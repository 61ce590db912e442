"""The soak: consecutive after-draw cycles with mixed faults and kills, every promise checked after each.

`lotto_runs.soak` runs each cycle as a whole `lotto run` process; `through_deployment.soak_through_deployment`
then runs cycles as production does, through the `after-draw` deployment on a real server and process worker.
A cycle's plan and run are in `cycles`, the fault catalogue in `faults`, the promises in `invariants`.
`bench/soak.py` is its command line (`make soak`, the long soak); `tests/flows/test_soak.py` runs four cycles.
"""
