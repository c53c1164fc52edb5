"""Machine-learning models on particle snapshots (PyTorch; imported only when used).

``graphs`` builds the periodic radius graph every graph model uses; ``ntgnn`` and ``botan``
hold the propensity networks; ``importers`` read published checkpoints.
"""
