"""Running: the notebooks' context, the runner of one client, shared kernels, batches of clients."""
