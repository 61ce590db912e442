"""Modeling: the model catalog, features, splits, networks, the stat model, training and evaluation."""

import os

# TensorFlow reads these when it is first imported (by training or inference, from any entry point):
# without them it prints oneDNN and CPU-feature notices on every run's console.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
