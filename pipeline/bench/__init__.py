"""`make bench`: speed and memory figures, each as a ratio to an anchor measured in the same
run."""

