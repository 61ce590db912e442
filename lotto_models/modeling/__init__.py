"""Modeling: the model catalog, features, splits, networks, the stat model, training and evaluation."""
