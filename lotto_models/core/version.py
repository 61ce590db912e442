"""The code version recorded with every dataset and model version."""

from importlib.metadata import PackageNotFoundError, version

try:
    CODE_VERSION = version("lotoflow")
except PackageNotFoundError:  # running from a source tree that was not installed
    CODE_VERSION = "0+unknown"
