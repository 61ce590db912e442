"""Serving: the plan ensembles and the publishing of each plan's guess for the next concurso."""
