"""The MLflow mirror: lotoflow's versions, their figures and aliases copied into an MLflow tracking server.

Optional (`LOTTO_MLFLOW_TRACKING_URI`) and one-way: lotoflow's own registry stays the source of truth; MLflow
is imported only by the modules of this package, and only when a mirror is configured."""
