"""Reporting: the comparison with the random baseline, the backtest, the status object and the run summary."""
