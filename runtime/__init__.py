"""The flows' process plumbing: the pool of worker processes their trainings run on (`runtime.worker_pool`),
the fork server those workers are forked from (`runtime.fork_server`) and what it preloads
(`runtime.worker_preload`).

A layer between the flows, which run their tasks on this pool, and the tasks; only the preload names the
flows (the fork server imports them, by name, so that their tasks are imported once for every worker).
"""
